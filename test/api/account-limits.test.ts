import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { countByStatus } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';

await describeEachDatabase(
  'account limits',
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

    async function client(
      limits: Record<string, unknown>,
    ): Promise<{ id: string; auth: { authorization: string } }> {
      const created = await gateway.http.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: ADMIN_AUTH,
        payload: { name: 'limited', role: 'client' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { id, apiKey } = created.json() as { id: string; apiKey: { key: string } };
      const patched = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${id}`,
        headers: ADMIN_AUTH,
        payload: { limits },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      return { id, auth: { authorization: `Bearer ${apiKey.key}` } };
    }

    const send = (auth: Record<string, string>, payload: Record<string, unknown>) =>
      gateway.http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload });

    const stored = async (accountId: string) =>
      Object.values(await countByStatus(store, accountId)).reduce((a, b) => a + b, 0);

    it('holds the send rate under concurrent requests: burst accepted, the rest 429', async () => {
      const { id, auth } = await client({ ratePerSecond: 0.5, burst: 5 });
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => send(auth, { to: '+447911123456', text: 'rate' })),
      );
      const codes = answers.map((a) => a.statusCode);
      assert.equal(codes.filter((c) => c === 202).length, 5, codes.join(','));
      const refused = answers.filter((a) => a.statusCode === 429);
      assert.equal(refused.length, 7);
      assert.equal(refused[0]!.json().error.code, 'rate_limited');
      assert.ok(Number(refused[0]!.headers['retry-after']) >= 1, 'retry-after given');
      assert.equal(await stored(id), 5);
    });

    it('never overspends the monthly segment quota under concurrent requests', async () => {
      const { id, auth } = await client({ monthlySegmentQuota: 20 });
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => send(auth, { to: '+447911123456', text: 'quota' })),
      );
      assert.equal(answers.filter((a) => a.statusCode === 202).length, 20);
      const refused = answers.filter((a) => a.statusCode === 403);
      assert.equal(refused.length, 10);
      assert.equal(refused[0]!.json().error.code, 'quota_exceeded');
      assert.equal(await stored(id), 20);
      const usage = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${id}/usage`,
        headers: auth,
      });
      assert.equal(usage.statusCode, 200);
      assert.equal(usage.json().segments, 20);
      assert.equal(usage.json().monthlySegmentQuota, 20);
    });

    it('counts segments: a long text that would pass the quota is refused whole', async () => {
      const { id, auth } = await client({ monthlySegmentQuota: 4 });
      assert.equal(
        (await send(auth, { to: '+447911123456', text: 'x'.repeat(300) })).statusCode,
        202,
        'two segments',
      );
      const refused = await send(auth, { to: ['+447911123456', '+447911123457'], text: 'x'.repeat(300) });
      assert.equal(refused.statusCode, 403, 'four more segments would exceed the quota');
      assert.equal(await stored(id), 1);
      assert.equal(
        (await send(auth, { to: '+447911123456', text: 'x'.repeat(300) })).statusCode,
        202,
        'exactly at quota',
      );
    });

    it('allows only the configured sender ids, naming the field', async () => {
      const { auth } = await client({ allowedSenders: ['ACME', '+447911000001'] });
      assert.equal((await send(auth, { to: '+447911123456', text: 'hi', from: 'ACME' })).statusCode, 202);
      assert.equal(
        (await send(auth, { to: '+447911123456', text: 'hi' })).statusCode,
        202,
        'no sender is allowed',
      );
      const refused = await send(auth, { to: '+447911123456', text: 'hi', from: 'EVIL' });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, 'sender_not_allowed');
      assert.equal(refused.json().error.field, 'from');
    });

    it('charges a prepaid balance by destination price, never below zero under concurrency', async () => {
      const prices = await gateway.http.inject({
        method: 'PUT',
        url: '/v1/prices',
        headers: ADMIN_AUTH,
        payload: {
          prices: [
            { prefix: '+44', price: 0.05 },
            { prefix: '+447911', price: 0.04 },
          ],
        },
      });
      assert.equal(prices.statusCode, 200, prices.body);
      const { id, auth } = await client({ prepaid: true });
      const topUp = await gateway.http.inject({
        method: 'POST',
        url: `/v1/accounts/${id}/balance`,
        headers: ADMIN_AUTH,
        payload: { amount: 0.2 },
      });
      assert.equal(topUp.statusCode, 200, topUp.body);
      assert.equal(topUp.json().balance, 0.2);
      // +447911… costs 0.04 a segment (the longest prefix wins): five sends fit 0.20, the rest do not.
      const answers = await Promise.all(
        Array.from({ length: 9 }, () => send(auth, { to: '+447911123456', text: 'paid' })),
      );
      assert.equal(answers.filter((a) => a.statusCode === 202).length, 5);
      const refused = answers.filter((a) => a.statusCode === 402);
      assert.equal(refused.length, 4);
      assert.equal(refused[0]!.json().error.code, 'insufficient_balance');
      assert.equal(await stored(id), 5);
      const account = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${id}`,
        headers: ADMIN_AUTH,
      });
      assert.equal(account.json().balance, 0);
      const noPrice = await send(auth, { to: '+33612345678', text: 'no price' });
      assert.equal(noPrice.statusCode, 403);
      assert.equal(noPrice.json().error.code, 'no_price');
      assert.equal(noPrice.json().error.field, 'to');
      const notPrepaid = await client({});
      const refusedTopUp = await gateway.http.inject({
        method: 'POST',
        url: `/v1/accounts/${notPrepaid.id}/balance`,
        headers: ADMIN_AUTH,
        payload: { amount: 1 },
      });
      assert.equal(refusedTopUp.statusCode, 409);
    });

    it('lets admins change limits but not the limited account itself', async () => {
      const { id, auth } = await client({ ratePerSecond: 10 });
      const own = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${id}`,
        headers: auth,
        payload: { limits: { ratePerSecond: null } },
      });
      assert.equal(own.statusCode, 403);
      const view = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${id}`,
        headers: ADMIN_AUTH,
      });
      assert.deepEqual(view.json().limits, {
        ratePerSecond: 10,
        burst: null,
        monthlySegmentQuota: null,
        allowedSenders: null,
        prepaid: false,
      });
      const bad = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${id}`,
        headers: ADMIN_AUTH,
        payload: { limits: { ratePerSecond: -1 } },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.field, 'limits.ratePerSecond');
    });
  },
  describe,
);
