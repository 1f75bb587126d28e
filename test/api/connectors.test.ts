import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateApiKey } from '../../src/accounts/api-keys.js';
import type { Gateway } from '../../src/gateway.js';
import { insertAccount, insertApiKey } from '../../src/store/queries/accounts.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

await describeEachDatabase(
  'GET /v1/connectors',
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

    it('shows each connector with its state and counters, counting what was sent', async () => {
      const sent = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: ['+447911123456', '+447911120001'], text: 'counted' },
      });
      assert.equal(sent.statusCode, 202);
      const body = await waitFor(async () => {
        const response = await gateway.http.inject({
          method: 'GET',
          url: '/v1/connectors',
          headers: ADMIN_AUTH,
        });
        assert.equal(response.statusCode, 200);
        const json = response.json() as { data: { submitted: number; failed: number }[] };
        return json.data[0]?.submitted === 1 && json.data[0]?.failed === 1 ? json : undefined;
      });
      assert.deepEqual(Object.keys(body.data[0]!).sort(), [
        'detail',
        'failed',
        'inFlight',
        'name',
        'state',
        'submitted',
        'type',
      ]);
      assert.equal((body.data[0] as unknown as { name: string }).name, 'sim');
      assert.equal((body.data[0] as unknown as { state: string }).state, 'up');
    });

    it('is for admins only', async () => {
      const key = generateApiKey();
      const now = Date.now();
      await insertAccount(store, {
        id: 'client1',
        name: 'Client',
        role: 'client',
        tenant_id: null,
        created_at: now,
        disabled_at: null,
      });
      await insertApiKey(store, {
        id: 'key_client1',
        account_id: 'client1',
        prefix: key.prefix,
        hash: key.hash,
        name: null,
        created_at: now,
        last_used_at: null,
        revoked_at: null,
      });
      const response = await gateway.http.inject({
        method: 'GET',
        url: '/v1/connectors',
        headers: { authorization: `Bearer ${key.key}` },
      });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().error.code, 'forbidden');
      const anonymous = await gateway.http.inject({ method: 'GET', url: '/v1/connectors' });
      assert.equal(anonymous.statusCode, 401);
    });
  },
  describe,
);
