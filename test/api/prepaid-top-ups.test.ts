import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { callApi, createAccountApi, createTenantApi, expectApi } from './support.js';

/**
 * Issue 11, item 6: partners cannot mint prepaid credit nor loosen limits an admin set
 * (docs/permissions.md, "Top-ups" and "Limits").
 */
await describeEachDatabase(
  'top-ups and admin-set limits',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const ADMIN = TEST_ADMIN_KEY;
    let P: { id: string; key: string };
    let Q: { id: string; key: string };
    let A: { id: string; key: string };
    let X: string;

    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      await expectApi(gateway, 200, 'PUT', '/v1/prices', ADMIN, { prices: [{ prefix: '+44', price: 1 }] });
      P = await createAccountApi(gateway, ADMIN, { name: 'Partner P', role: 'partner' });
      Q = await createAccountApi(gateway, ADMIN, { name: 'Partner Q', role: 'partner' });
      X = await createTenantApi(gateway, ADMIN, { name: 'Tenant X', partnerAccountId: P.id });
      A = await createAccountApi(gateway, P.key, { name: 'Client A', tenantId: X });
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${A.id}`, ADMIN, { limits: { prepaid: true } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const balanceOf = async (id: string) =>
      (await expectApi(gateway, 200, 'GET', `/v1/accounts/${id}`, ADMIN)).body.balance as number | null;
    const topUp = (key: string, id: string, amount: number) =>
      callApi(gateway, 'POST', `/v1/accounts/${id}/balance`, key, { amount });

    it('a partner cannot mint credit: without a prepaid balance of its own it tops up nothing', async () => {
      const minted = await topUp(P.key, A.id, 1e9);
      assert.equal(minted.status, 409, minted.text);
      assert.equal(minted.body.error.code, 'not_prepaid');
      assert.equal(await balanceOf(A.id), 0);
      const send = await callApi(gateway, 'POST', '/v1/messages', A.key, { to: '+447911123456', text: 'hi' });
      assert.equal(send.status, 402, `nothing to pay with: ${send.text}`);
    });

    it("a partner moves credit from its own balance to its client's, never below zero", async () => {
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${P.id}`, ADMIN, { limits: { prepaid: true } });
      await expectApi(gateway, 200, 'POST', `/v1/accounts/${P.id}/balance`, ADMIN, { amount: 10 });
      const moved = await expectApi(gateway, 200, 'POST', `/v1/accounts/${A.id}/balance`, P.key, {
        amount: 4,
      });
      assert.deepEqual(moved.body, {
        accountId: A.id,
        balance: 4,
        partnerAccountId: P.id,
        partnerBalance: 6,
      });
      assert.deepEqual([await balanceOf(A.id), await balanceOf(P.id)], [4, 6]);

      const tooMuch = await topUp(P.key, A.id, 7);
      assert.equal(tooMuch.status, 402, tooMuch.text);
      assert.equal(tooMuch.body.error.code, 'insufficient_balance');
      const tooMuchBack = await topUp(P.key, A.id, -5);
      assert.equal(tooMuchBack.status, 409, tooMuchBack.text);
      assert.equal(tooMuchBack.body.error.code, 'balance_too_low');
      assert.deepEqual([await balanceOf(A.id), await balanceOf(P.id)], [4, 6], 'refusals moved nothing');

      // A negative amount takes credit back to the partner.
      await expectApi(gateway, 200, 'POST', `/v1/accounts/${A.id}/balance`, P.key, { amount: -1 });
      assert.deepEqual([await balanceOf(A.id), await balanceOf(P.id)], [3, 7]);

      // Concurrent transfers never overdraw the partner: 7 of 12 fit.
      const answers = await Promise.all(Array.from({ length: 12 }, () => topUp(P.key, A.id, 1)));
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((s) => s === 200).length, 7, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 402).length, 5, statuses.join(','));
      assert.deepEqual([await balanceOf(A.id), await balanceOf(P.id)], [10, 0]);
      // Transfers both ways at once neither deadlock nor make or lose credit.
      const mixed = await Promise.all(
        Array.from({ length: 10 }, (_, i) => topUp(P.key, A.id, i % 2 ? 1 : -1)),
      );
      assert.ok(
        mixed.every((a) => a.status === 200 || a.status === 402),
        mixed.map((a) => a.text).join('\n'),
      );
      assert.equal(((await balanceOf(A.id)) ?? 0) + ((await balanceOf(P.id)) ?? 0), 10);
      // Back to where the next steps expect: everything on A.
      const level = (await balanceOf(P.id)) ?? 0;
      if (level > 0)
        await expectApi(gateway, 200, 'POST', `/v1/accounts/${A.id}/balance`, P.key, { amount: level });
      assert.deepEqual([await balanceOf(A.id), await balanceOf(P.id)], [10, 0]);

      // The partner's own sends see the balance it gave away; the client spends what it got.
      const partnerSend = await callApi(gateway, 'POST', '/v1/messages', P.key, {
        to: '+447911123456',
        text: 'from P',
      });
      assert.equal(partnerSend.status, 402, partnerSend.text);
      await expectApi(gateway, 202, 'POST', '/v1/messages', A.key, { to: '+447911123456', text: 'from A' });
      assert.equal(await balanceOf(A.id), 9);

      const audit = await expectApi(gateway, 200, 'GET', '/v1/audit?limit=1000', P.key);
      const moves = (
        audit.body.data as { action: string; targetId: string; detail: { amount: number } }[]
      ).filter((e) => e.action === 'account.balance');
      assert.ok(
        moves.some((e) => e.targetId === A.id && e.detail.amount === 4) &&
          moves.some((e) => e.targetId === P.id && e.detail.amount === -4),
        `both sides of a transfer are audited: ${JSON.stringify(moves)}`,
      );
    });

    it('nobody tops up its own account but an admin; a partner tops up no one outside its tenants', async () => {
      const own = await topUp(P.key, P.id, 5);
      assert.equal(own.status, 403, own.text);
      const self = await topUp(A.key, A.id, 5);
      assert.equal(self.status, 403, self.text);
      const b = await createAccountApi(gateway, Q.key, {
        name: 'Client B',
        tenantId: await createTenantApi(gateway, Q.key, { name: 'Tenant Y' }),
      });
      const foreign = await topUp(P.key, b.id, 1);
      assert.equal(foreign.status, 404, foreign.text);
    });

    it('an admin correction cannot take a balance below zero', async () => {
      const e = await createAccountApi(gateway, ADMIN, { name: 'Client E' });
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${e.id}`, ADMIN, { limits: { prepaid: true } });
      await expectApi(gateway, 200, 'POST', `/v1/accounts/${e.id}/balance`, ADMIN, { amount: 2 });
      const below = await topUp(ADMIN, e.id, -3);
      assert.equal(below.status, 409, below.text);
      assert.equal(below.body.error.code, 'balance_too_low');
      assert.equal(await balanceOf(e.id), 2);
      const exact = await expectApi(gateway, 200, 'POST', `/v1/accounts/${e.id}/balance`, ADMIN, {
        amount: -2,
      });
      assert.equal(exact.body.balance, 0);
    });

    it('a partner may tighten, but not raise or remove, the limits an admin set', async () => {
      const c = await createAccountApi(gateway, P.key, { name: 'Client C', tenantId: X });
      const admin = await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${c.id}`, ADMIN, {
        limits: {
          ratePerSecond: 10,
          monthlySegmentQuota: 1000,
          allowedSenders: ['ACME', 'INFO'],
          prepaid: true,
        },
      });
      assert.deepEqual(admin.body.ceilings, {
        ratePerSecond: 10,
        burst: null,
        monthlySegmentQuota: 1000,
        allowedSenders: ['ACME', 'INFO'],
        prepaid: true,
      });
      const patch = (limits: Record<string, unknown>) =>
        callApi(gateway, 'PATCH', `/v1/accounts/${c.id}`, P.key, { limits });
      for (const [limits, field] of [
        [{ ratePerSecond: null }, 'limits.ratePerSecond'],
        [{ ratePerSecond: 20 }, 'limits.ratePerSecond'],
        [{ burst: 1000 }, 'limits.burst'],
        [{ monthlySegmentQuota: null }, 'limits.monthlySegmentQuota'],
        [{ monthlySegmentQuota: 2000 }, 'limits.monthlySegmentQuota'],
        [{ allowedSenders: null }, 'limits.allowedSenders'],
        [{ allowedSenders: ['ACME', 'EVIL'] }, 'limits.allowedSenders'],
        [{ prepaid: false }, 'limits.prepaid'],
      ] as const) {
        const refused = await patch(limits);
        assert.equal(refused.status, 403, `${JSON.stringify(limits)}: ${refused.text}`);
        assert.equal(refused.body.error.code, 'limit_set_by_admin');
        assert.equal(refused.body.error.field, field);
      }
      const unchanged = await expectApi(gateway, 200, 'GET', `/v1/accounts/${c.id}`, ADMIN);
      assert.deepEqual(unchanged.body.limits, {
        ratePerSecond: 10,
        burst: null,
        monthlySegmentQuota: 1000,
        allowedSenders: ['ACME', 'INFO'],
        prepaid: true,
      });
      const tightened = await patch({
        ratePerSecond: 5,
        burst: 8,
        monthlySegmentQuota: 500,
        allowedSenders: ['ACME'],
      });
      assert.equal(tightened.status, 200, tightened.text);
      assert.deepEqual(tightened.body.limits, {
        ratePerSecond: 5,
        burst: 8,
        monthlySegmentQuota: 500,
        allowedSenders: ['ACME'],
        prepaid: true,
      });
      // Tightened, the admin's ceiling still holds: back up to it, not past it.
      assert.equal((await patch({ ratePerSecond: 10 })).status, 200);
      assert.equal((await patch({ ratePerSecond: 11 })).status, 403);
      // The limited account sends within what the partner left it.
      const refusedSender = await callApi(gateway, 'POST', '/v1/messages', c.key, {
        to: '+447911123456',
        text: 'x',
        from: 'INFO',
      });
      assert.equal(refusedSender.status, 403, refusedSender.text);
      assert.equal(refusedSender.body.error.code, 'sender_not_allowed');

      // Once the admin lifts a limit, the partner sets it as it likes.
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${c.id}`, ADMIN, {
        limits: { ratePerSecond: null },
      });
      assert.equal((await patch({ ratePerSecond: 50 })).status, 200);
      assert.equal((await patch({ ratePerSecond: null })).status, 200);
    });

    it('limits a partner set itself stay the partner’s to change', async () => {
      const d = await createAccountApi(gateway, P.key, { name: 'Client D', tenantId: X });
      const set = await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${d.id}`, P.key, {
        limits: { monthlySegmentQuota: 100, allowedSenders: ['ACME'] },
      });
      assert.equal(set.body.ceilings.monthlySegmentQuota, null);
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${d.id}`, P.key, {
        limits: { monthlySegmentQuota: null, allowedSenders: null },
      });
    });
  },
  describe,
);
