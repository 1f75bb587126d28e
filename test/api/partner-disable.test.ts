import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DialectCredentials } from '../../src/accounts/dialect-credentials.js';
import { AuthenticationError } from '../../src/core/errors.js';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { createAccountApi, createTenantApi, expectApi } from './support.js';

/**
 * Issue 11, item 10 (last point): disabling a partner suspends the client accounts of the tenants
 * it manages, and enabling it again restores them (docs/permissions.md, "Disabling a partner").
 */
await describeEachDatabase(
  'disabling a partner',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let credentials: DialectCredentials;
    const ADMIN = TEST_ADMIN_KEY;
    let P: { id: string; key: string };
    let Q: { id: string; key: string };
    let A: { id: string; key: string };
    let A2: { id: string; key: string };
    let B: { id: string; key: string };
    let adminInX: { id: string; key: string };
    let smppSecret: string;
    let smppId: string;

    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      credentials = new DialectCredentials(store);
      P = await createAccountApi(gateway, ADMIN, { name: 'Partner P', role: 'partner' });
      Q = await createAccountApi(gateway, ADMIN, { name: 'Partner Q', role: 'partner' });
      const X = await createTenantApi(gateway, ADMIN, { name: 'Tenant X', partnerAccountId: P.id });
      const X2 = await createTenantApi(gateway, P.key, { name: 'Tenant X2' });
      const Y = await createTenantApi(gateway, Q.key, { name: 'Tenant Y' });
      A = await createAccountApi(gateway, P.key, { name: 'Client A', tenantId: X });
      A2 = await createAccountApi(gateway, P.key, { name: 'Client A2', tenantId: X2 });
      B = await createAccountApi(gateway, Q.key, { name: 'Client B', tenantId: Y });
      adminInX = await createAccountApi(gateway, ADMIN, { name: 'Admin in X', role: 'admin', tenantId: X });
      const smpp = await expectApi(gateway, 201, 'POST', `/v1/accounts/${A.id}/credentials`, ADMIN, {
        kind: 'smpp',
        identifier: 'asys',
      });
      smppId = smpp.body.identifier;
      smppSecret = smpp.body.secret;
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const send = (key: string) =>
      gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { authorization: `Bearer ${key}` },
        payload: { to: '+447911123456', text: 'hello' },
      });

    it("stops its clients' keys and dialect credentials at once, in every tenant it manages", async () => {
      // Used first, so the authenticator has the keys cached.
      for (const client of [A, A2]) assert.equal((await send(client.key)).statusCode, 202);
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${P.id}`, ADMIN, { disabled: true });
      for (const client of [A, A2]) {
        const refused = await send(client.key);
        assert.equal(refused.statusCode, 401, refused.body);
        assert.equal(refused.json().error.code, 'unauthenticated');
        await expectApi(gateway, 401, 'GET', `/v1/accounts/${client.id}`, client.key);
      }
      await expectApi(gateway, 401, 'GET', '/v1/accounts', P.key);
      await assert.rejects(credentials.verify('smpp', smppId, smppSecret), AuthenticationError);
    });

    it('leaves other partners’ clients and accounts it does not manage working', async () => {
      assert.equal((await send(B.key)).statusCode, 202);
      await expectApi(gateway, 200, 'GET', '/v1/accounts', Q.key);
      await expectApi(gateway, 200, 'GET', `/v1/accounts/${adminInX.id}`, adminInX.key);
    });

    it('shows the client as suspended, not as disabled, and leaves its own flag alone', async () => {
      const a = await expectApi(gateway, 200, 'GET', `/v1/accounts/${A.id}`, ADMIN);
      assert.deepEqual([a.body.disabled, a.body.suspended], [false, true]);
      const b = await expectApi(gateway, 200, 'GET', `/v1/accounts/${B.id}`, ADMIN);
      assert.deepEqual([b.body.disabled, b.body.suspended], [false, false]);
    });

    it('restores the clients when the partner is enabled again, except those disabled on their own', async () => {
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${A2.id}`, ADMIN, { disabled: true });
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${P.id}`, ADMIN, { disabled: false });
      assert.equal((await send(A.key)).statusCode, 202);
      assert.equal((await credentials.verify('smpp', smppId, smppSecret)).accountId, A.id);
      assert.equal((await send(A2.key)).statusCode, 401, 'A2 was disabled by itself and stays so');
      const a = await expectApi(gateway, 200, 'GET', `/v1/accounts/${A.id}`, P.key);
      assert.deepEqual([a.body.disabled, a.body.suspended], [false, false]);
    });
  },
  describe,
);
