/**
 * No route serves files, and none can be made to: traversal spellings (plain, percent-encoded,
 * double-encoded, backslashes, NUL) under every root segment the gateway reserves and under each
 * dialect's prefix get a 4xx in the owning dialect, never a file's bytes and never a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RESERVED_ROOT_SEGMENTS } from '../../src/api/reserved-paths.js';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';

const TRAVERSALS = [
  '../../../../etc/passwd',
  '..%2f..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '..%252f..%252fetc%252fpasswd',
  '..\\..\\..\\etc\\passwd',
  '..%5c..%5cetc%5cpasswd',
  '....//....//etc/passwd',
  '..%00/etc/passwd',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  'package.json',
  '.env',
];

await describeEachDatabase(
  'path traversal',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('every reserved root and dialect prefix refuses traversal with a 4xx and no file content', async () => {
      const roots = [
        ...new Set([...RESERVED_ROOT_SEGMENTS, 'interact', '2010-04-01', 'cgi-bin', 'secure', 'v1/messages']),
      ];
      assert.ok(roots.includes('dashboard') && roots.includes('static'));
      for (const root of roots) {
        for (const traversal of TRAVERSALS) {
          for (const headers of [{}, ADMIN_AUTH]) {
            const url = `/${root}/${traversal}`;
            const response = await gateway.http.inject({ method: 'GET', url, headers });
            assert.ok(
              response.statusCode >= 400 && response.statusCode < 500,
              `${url}: ${response.statusCode}`,
            );
            assert.doesNotMatch(response.body, /root:x:0:0|"name":\s*"smsgate"|"devDependencies"/, url);
          }
        }
      }
    });
  },
  describe,
);
