// One account's failing webhooks must not hold up another account's events to a healthy receiver,
// with the shipped timing defaults: neither a flood of failing callbacks larger than the deliverer's
// memory, nor a failing path on the origin the other account's receiver shares, nor a whole origin
// that is down for one account but fine for another.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import {
  createClientAccount,
  deliverableNumbers,
  eventsOf,
  sendMessages,
  WebhookReceiver,
  waitForFinal,
} from '../helpers/webhook-receiver.js';

/** "A few seconds": how long a healthy account's events may take while another account's fail. */
const FEW_SECONDS_MS = 5_000;

/** Waits until every event of `ids` is delivered, at most FEW_SECONDS_MS after `since`. */
async function deliveredWithinFewSeconds(store: TestStore, ids: string[], since: number): Promise<void> {
  const left = FEW_SECONDS_MS - (Date.now() - since);
  const events = await waitFor(
    async () => {
      const rows = await eventsOf(store, ids);
      return rows.length === ids.length * 2 && rows.every((e) => e.state === 'delivered') ? rows : undefined;
    },
    Math.max(1, left),
    `the healthy account's ${ids.length * 2} events delivered within ${FEW_SECONDS_MS} ms`,
  );
  for (const e of events) assert.ok(Number(e.delivered_at) - since <= FEW_SECONDS_MS);
}

await describeEachDatabase(
  'webhook fairness between accounts (shipped timings)',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start((r) =>
        r.path.startsWith('/good') ? 200 : r.path === '/404' ? 404 : 500,
      );
    });
    afterEach(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('a flood of failing callbacks past maxInMemory does not keep another account’s events on disk', async () => {
      // Memory is the only setting made small (timings are the defaults): 200 events at most.
      gateway = await startTestGateway(store, {
        config: { webhooks: { allowPrivateAddresses: true, maxInMemory: 200 } },
      });
      const hostile = await createClientAccount(gateway, 'hostile');
      const healthy = await createClientAccount(gateway, 'healthy');
      const flood: string[] = [];
      for (let i = 0; i < 3; i++) {
        flood.push(
          ...(await sendMessages(
            gateway,
            { to: deliverableNumbers(150, 70 + i), text: `flood ${i}`, callbackUrl: receiver.url('/500') },
            hostile.auth,
          )),
        );
      }
      await waitForFinal(store, flood);
      // 900 failing events pending: far more than memory holds.
      assert.equal((await eventsOf(store, flood)).length, 900);
      assert.ok(gateway.webhooks.status().inMemory <= 200);

      const since = Date.now();
      const ids = await sendMessages(
        gateway,
        { to: deliverableNumbers(20, 80), text: 'healthy', callbackUrl: receiver.url('/good') },
        healthy.auth,
      );
      await deliveredWithinFewSeconds(store, ids, since);
      assert.ok(gateway.webhooks.status().inMemory <= 200);
      // The flood is still retried, not dropped.
      const floodEvents = await eventsOf(store, flood);
      assert.ok(floodEvents.every((e) => e.state === 'pending'));
    });

    it('a path answering 404 on a shared origin does not hold up another account’s working URL there', async () => {
      gateway = await startTestGateway(store, { config: { webhooks: { allowPrivateAddresses: true } } });
      const careless = await createClientAccount(gateway, 'careless');
      const healthy = await createClientAccount(gateway, 'healthy');
      const wrong = await sendMessages(
        gateway,
        { to: deliverableNumbers(40, 71), text: 'wrong path', callbackUrl: receiver.url('/404') },
        careless.auth,
      );
      await waitForFinal(store, wrong);
      await receiver.waitForRequests(8, (r) => r.path === '/404');

      const since = Date.now();
      const ids = await sendMessages(
        gateway,
        { to: deliverableNumbers(20, 81), text: 'healthy', callbackUrl: receiver.url('/good') },
        healthy.auth,
      );
      await deliveredWithinFewSeconds(store, ids, since);
    });

    it('within one account, a 404 path does not back off the origin: its other path keeps working', async () => {
      gateway = await startTestGateway(store, { config: { webhooks: { allowPrivateAddresses: true } } });
      const account = await createClientAccount(gateway, 'two paths');
      const wrong = await sendMessages(
        gateway,
        { to: deliverableNumbers(40, 72), text: 'wrong path', callbackUrl: receiver.url('/404') },
        account.auth,
      );
      await waitForFinal(store, wrong);
      await receiver.waitForRequests(8, (r) => r.path === '/404');

      const since = Date.now();
      const ids = await sendMessages(
        gateway,
        { to: deliverableNumbers(20, 82), text: 'right path', callbackUrl: receiver.url('/good-path') },
        account.auth,
      );
      await deliveredWithinFewSeconds(store, ids, since);
      // The 404 events wait on their own back-off, recorded as such.
      const refused = await eventsOf(store, wrong);
      assert.ok(refused.some((e) => e.state === 'pending' && /^HTTP 404/.test(e.last_error ?? '')));
    });

    it('an origin down (500) for one account does not back it off for another account', async () => {
      gateway = await startTestGateway(store, { config: { webhooks: { allowPrivateAddresses: true } } });
      const failing = await createClientAccount(gateway, 'failing');
      const healthy = await createClientAccount(gateway, 'healthy');
      const broken = await sendMessages(
        gateway,
        { to: deliverableNumbers(40, 73), text: 'server error', callbackUrl: receiver.url('/500') },
        failing.auth,
      );
      await waitForFinal(store, broken);
      await receiver.waitForRequests(8, (r) => r.path === '/500');
      const destinations = gateway.webhooks.status().destinations;
      assert.ok(destinations.some((d) => d.accountId === failing.accountId && d.state !== 'closed'));

      const since = Date.now();
      const ids = await sendMessages(
        gateway,
        { to: deliverableNumbers(20, 83), text: 'healthy', callbackUrl: receiver.url('/good') },
        healthy.auth,
      );
      await deliveredWithinFewSeconds(store, ids, since);
    });
  },
  describe,
);
