// What a dashboard session sees is what its key sees through the API: one tenant's client never
// sees another's messages (list, read, overview), a partner sees its own tenants' accounts only,
// and a partner is refused the admin pages and their data.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { bearer, sendOne } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { createApiAccount, createTenant, dashboardApi, type SignedIn, signIn } from './support.js';

await describeEachDatabase(
  'dashboard tenant scoping',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let partner: { id: string; key: string };
    let clientA: { id: string; key: string };
    let clientB: { id: string; key: string };
    let messageA: string;
    let messageB: string;
    let sessionA: SignedIn;
    let sessionPartner: SignedIn;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      partner = await createApiAccount(gateway, { name: 'reseller', role: 'partner' });
      const tenantA = await createTenant(gateway, 'Tenant A', partner.id);
      const tenantB = await createTenant(gateway, 'Tenant B');
      clientA = await createApiAccount(gateway, { name: 'shop A', tenantId: tenantA });
      clientB = await createApiAccount(gateway, { name: 'shop B', tenantId: tenantB });
      messageA = await sendOne(
        gateway,
        { to: '+447911123456', text: 'from A', clientRef: 'same-ref' },
        bearer(clientA.key),
      );
      messageB = await sendOne(
        gateway,
        { to: '+447911123456', text: 'from B', clientRef: 'same-ref' },
        bearer(clientB.key),
      );
      sessionA = await signIn(gateway, clientA.key);
      sessionPartner = await signIn(gateway, partner.key);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it("a client's session lists and reads its own messages only; another tenant's id is 404", async () => {
      const list = await dashboardApi(
        gateway,
        sessionA,
        'GET',
        '/dashboard/api/v1/messages?clientRef=same-ref',
      );
      assert.equal(list.statusCode, 200, list.body);
      const ids = (list.json() as { data: { id: string }[] }).data.map((m) => m.id);
      assert.deepEqual(ids, [messageA]);
      const own = await dashboardApi(gateway, sessionA, 'GET', `/dashboard/api/v1/messages/${messageA}`);
      assert.equal(own.statusCode, 200, own.body);
      const other = await dashboardApi(gateway, sessionA, 'GET', `/dashboard/api/v1/messages/${messageB}`);
      assert.equal(other.statusCode, 404, other.body);
      assert.ok(!other.body.includes('from B'));
    });

    it("the overview counts the client's own messages, and shows no queue or connectors", async () => {
      await waitFor(async () => {
        const response = await dashboardApi(gateway, sessionA, 'GET', '/dashboard/api/overview');
        assert.equal(response.statusCode, 200, response.body);
        const overview = response.json() as {
          lastHourTotal: number;
          scope: string;
          queue?: unknown;
          connectors?: unknown;
        };
        assert.equal(overview.scope, 'account');
        assert.equal(overview.queue, undefined);
        assert.equal(overview.connectors, undefined);
        return overview.lastHourTotal === 1 ? true : undefined;
      });
      const admin = await signIn(gateway, TEST_ADMIN_KEY);
      const all = (await dashboardApi(gateway, admin, 'GET', '/dashboard/api/overview')).json() as {
        lastHourTotal: number;
        scope: string;
        connectors: { name: string }[];
      };
      assert.equal(all.scope, 'all');
      assert.ok(all.lastHourTotal >= 2, 'an admin counts every account, as /v1/stats does');
      assert.deepEqual(
        all.connectors.map((c) => c.name),
        ['sim'],
      );
    });

    it("a partner's session sees itself and its tenants' clients, not another tenant's", async () => {
      const response = await dashboardApi(gateway, sessionPartner, 'GET', '/dashboard/api/v1/accounts');
      assert.equal(response.statusCode, 200, response.body);
      const ids = (response.json() as { data: { id: string }[] }).data.map((a) => a.id).sort();
      assert.deepEqual(ids, [partner.id, clientA.id].sort());
      const hidden = await dashboardApi(
        gateway,
        sessionPartner,
        'GET',
        `/dashboard/api/v1/accounts/${clientB.id}`,
      );
      assert.equal(hidden.statusCode, 404);
    });

    it('a partner is refused the admin page and its data, with the API’s words', async () => {
      const page = await gateway.http.inject({
        method: 'GET',
        url: '/dashboard/connectors',
        headers: { cookie: sessionPartner.cookie },
      });
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /Only an admin may see the connectors/);
      assert.ok(!page.body.includes('href="/dashboard/connectors"'), 'the menu does not offer it');
      const data = await dashboardApi(gateway, sessionPartner, 'GET', '/dashboard/api/v1/connectors');
      assert.equal(data.statusCode, 403);
    });
  },
  describe,
);
