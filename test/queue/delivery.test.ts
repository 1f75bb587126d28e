import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { findHistory } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

await describeEachDatabase(
  'delivery through sim',
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

    it('delivers a message and records queued → sending → sent → delivered', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: '+447911123456', text: 'hello' },
      });
      assert.equal(response.statusCode, 202, response.body);
      const id = response.json().messages[0].id as string;
      const history = await waitFor(async () => {
        const rows = await findHistory(store, id);
        return rows.at(-1)?.status === 'delivered' ? rows : undefined;
      });
      assert.deepEqual(
        history.map((h) => h.status),
        ['queued', 'sending', 'sent', 'delivered'],
      );
      for (let i = 1; i < history.length; i++) assert.ok(history[i]!.at >= history[i - 1]!.at);
    });
  },
  describe,
);
void TEST_DATABASES;
