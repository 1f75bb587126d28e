/**
 * A change made on one node applies on the others within a second (LISTEN/NOTIFY on the database's
 * change channel), not at their next start: opt-outs, revoked keys, account limits and the route
 * table, each checked on node B after the change was made through node A, where B had the old value
 * cached. PostgreSQL only (SQLite is one node).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import { callApi, createAccountApi, expectApi } from '../api/support.js';
import { describePostgres, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';

const ADMIN = TEST_ADMIN_KEY;
/** What "within a second" allows, with room for a loaded test machine. */
const WITHIN_MS = 1_000;

await describePostgres(
  'changes reach every node',
  (db) => {
    let storeA: TestStore;
    let storeB: Store;
    let gatewayA: Gateway;
    let gatewayB: Gateway;
    let client: { id: string; key: string };

    before(async () => {
      storeA = await db.open();
      storeB = await storeA.reopen();
      gatewayA = await startTestGateway(storeA);
      gatewayB = await startTestGateway(storeB);
      client = await createAccountApi(gatewayA, ADMIN, { name: 'Client on two nodes' });
    });
    after(async () => {
      await gatewayB.stop(false);
      await gatewayA.stop(false);
      await storeB.close();
      await storeA.destroy();
    });

    const sendOnB = (to: string, key = client.key) =>
      callApi(gatewayB, 'POST', '/v1/messages', key, { to, text: 'two nodes' });

    /** Polls B until `accepted` says the change applied; returns how long it took. */
    async function timeUntil(check: () => Promise<boolean>): Promise<number> {
      const start = Date.now();
      await waitFor(async () => ((await check()) ? true : undefined), 10_000, 'the change to reach node B');
      return Date.now() - start;
    }

    it('an opt-out added on A refuses sends on B', async () => {
      const number = '+447911151515';
      assert.equal((await sendOnB(number)).status, 202, 'B sends before the opt-out');
      await expectApi(gatewayA, 201, 'POST', '/v1/opt-outs', client.key, { number });
      const took = await timeUntil(async () => (await sendOnB(number)).status === 400);
      assert.ok(took < WITHIN_MS, `took ${took} ms`);
      const refused = await sendOnB(number);
      assert.equal(refused.body.error.code, 'recipient_opted_out');
    });

    it('a key revoked on A is refused on B, which had it cached', async () => {
      const created = await expectApi(gatewayA, 201, 'POST', `/v1/accounts/${client.id}/keys`, ADMIN, {});
      const key = created.body.key as string;
      assert.equal((await sendOnB('+447911151516', key)).status, 202, 'B knows the new key');
      await expectApi(gatewayA, 204, 'DELETE', `/v1/accounts/${client.id}/keys/${created.body.id}`, ADMIN);
      const took = await timeUntil(async () => (await sendOnB('+447911151517', key)).status === 401);
      assert.ok(took < WITHIN_MS, `took ${took} ms`);
    });

    it('a quota set on A limits sends on B', async () => {
      assert.equal((await sendOnB('+447911151518')).status, 202);
      await expectApi(gatewayA, 200, 'PATCH', `/v1/accounts/${client.id}`, ADMIN, {
        limits: { monthlySegmentQuota: 1 },
      });
      const took = await timeUntil(async () => (await sendOnB('+447911151519')).status === 403);
      assert.ok(took < WITHIN_MS, `took ${took} ms`);
    });

    it('a route table saved on A is the one B routes with', async () => {
      await expectApi(gatewayA, 200, 'PUT', '/v1/routes', ADMIN, {
        routes: [{ prefix: '+4479', connector: 'sim' }],
      });
      const took = await timeUntil(async () => {
        const routes = await expectApi(gatewayB, 200, 'GET', '/v1/routes', ADMIN);
        return routes.body.source === 'api';
      });
      assert.ok(took < WITHIN_MS, `took ${took} ms`);
    });
  },
  describe,
);
