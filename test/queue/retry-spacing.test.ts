/**
 * The spacing between a message's submissions after retryable failures, read from its history:
 * each retry waits at least the back-off's floor (half of base × 2^(attempt-1), capped), so the
 * waits grow and retries never come back early. Only lower bounds are checked — a loaded machine
 * can make a wait longer, never shorter.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { findHistory, findMessage } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

const BASE_MS = 400;
const MAX_MS = 1000;

await describeEachDatabase(
  'retry spacing',
  (db) => {
    let store: TestStore;
    let gateway: Gateway | undefined;
    beforeEach(async () => {
      store = await db.open();
    });
    afterEach(async () => {
      await gateway?.stop(false);
      gateway = undefined;
      await store.destroy();
    });

    it('waits at least the jitter floor before each retry, growing, and stops at maxAttempts', async () => {
      gateway = await startTestGateway(store, {
        config: {
          queue: { maxAttempts: 5, retryBaseMs: BASE_MS, retryMaxMs: MAX_MS },
          connectors: [
            {
              name: 'sim',
              type: 'sim',
              receiptDelayMs: 1,
              rules: [{ suffix: '9999', outcome: 'throttled', times: 50 }],
            },
          ],
        },
      });
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: '+447911129999', text: 'throttled every time' },
      });
      assert.equal(response.statusCode, 202, response.body);
      const id = response.json().messages[0].id as string;
      await waitFor(
        async () => ((await findMessage(store, 'admin', id))?.status === 'failed' ? true : undefined),
        30_000,
      );

      const history = await findHistory(store, id);
      const sends = history.filter((h) => h.status === 'sending').map((h) => h.at);
      assert.equal(sends.length, 5);
      const gaps = sends.slice(1).map((at, i) => at - sends[i]!);
      // Floors after failures 1..4: half of 400, 800, 1000 (capped), 1000.
      const floors = [200, 400, 500, 500];
      for (const [i, gap] of gaps.entries()) {
        assert.ok(
          gap >= floors[i]!,
          `retry ${i + 1} came ${gap} ms after the previous submit (floor ${floors[i]} ms)`,
        );
      }
      // Every retry is recorded with the failure that caused it, before the next submission.
      const retries = history.filter((h) => h.status === 'queued').slice(1);
      assert.equal(retries.length, 4);
      for (const retry of retries) assert.match(retry.detail ?? '', /retrying/);
    });
  },
  describe,
);
