// Per-destination concurrency on real sockets: with concurrencyPerDestination 2 a slow receiver never
// has more than 2 requests in flight, and another origin is served meanwhile, independently.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  assertPerMessageOrder,
  deliverableNumbers,
  eventOrder,
  Gate,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
  waitForFinal,
} from '../helpers/webhook-receiver.js';

interface DeliveryStatus {
  inMemory: number;
  onDisk: boolean;
  destinations: { origin: string; active: number; waiting: number; failures: number }[];
}

await describeEachDatabase(
  'per-destination concurrency',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const receivers: WebhookReceiver[] = [];
    const gates: Gate[] = [];
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: {
          webhooks: {
            allowPrivateAddresses: true,
            ...FAST_WEBHOOKS,
            concurrencyPerDestination: 2,
            timeoutMs: 60_000,
          },
        },
      });
    });
    after(async () => {
      for (const gate of gates) gate.open();
      await gateway.stop(false);
      for (const receiver of receivers) await receiver.close();
      await store.destroy();
    });

    /** A receiver that holds every request until `gate` opens, then answers 200 after `delayMs`. */
    async function slowReceiver(delayMs: number): Promise<{ receiver: WebhookReceiver; gate: Gate }> {
      const gate = new Gate();
      gates.push(gate);
      const receiver = await WebhookReceiver.start(async () => {
        await gate.opened;
        await sleep(delayMs);
        return 200;
      });
      receivers.push(receiver);
      return { receiver, gate };
    }

    async function deliveryStatus(): Promise<DeliveryStatus> {
      const response = await gateway.http.inject({
        method: 'GET',
        url: '/v1/events/delivery',
        headers: ADMIN_AUTH,
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as DeliveryStatus;
    }

    it('a slow receiver never has more than 2 requests at once; another origin is served meanwhile', async () => {
      const { receiver: slow, gate } = await slowReceiver(5);
      const fast = await WebhookReceiver.start(200);
      receivers.push(fast);

      const slowIds = await sendMessages(gateway, {
        to: deliverableNumbers(12, 72),
        text: 'to the slow one',
        callbackUrl: slow.url('/slow'),
      });
      await waitForFinal(store, slowIds);
      // Two requests are held at the slow receiver; the rest of its events wait in the gateway.
      await waitFor(() => (slow.active === 2 ? true : undefined), 10_000, 'two requests held');
      const during = (await deliveryStatus()).destinations.find((d) => d.origin === slow.origin);
      assert.ok(during, 'the slow origin is a destination');
      assert.equal(during.active, 2);
      assert.ok(during.waiting >= 1, `more events wait for a slot (${during.waiting})`);

      // Meanwhile another origin gets all of its events.
      const fastIds = await sendMessages(gateway, {
        to: deliverableNumbers(12, 73),
        text: 'to the fast one',
        callbackUrl: fast.url('/fast'),
      });
      const fastEvents = await waitForEventsSettled(store, fastIds);
      assert.equal(fastEvents.length, 24);
      assert.ok(fastEvents.every((e) => e.state === 'delivered'));
      assertPerMessageOrder(statusEvents(fast.requests), eventOrder(fastEvents));

      // All that time the slow receiver had exactly the two held requests.
      assert.equal(slow.requests.length, 2);
      assert.equal(slow.active, 2);
      assert.equal(slow.maxActive, 2);

      gate.open();
      const slowEvents = await waitForEventsSettled(store, slowIds);
      assert.equal(slowEvents.length, 24);
      assert.ok(slowEvents.every((e) => e.state === 'delivered' && e.attempts === 1));
      assert.equal(slow.requests.length, 24);
      assert.ok(slow.maxActive <= 2, `at most 2 at once (saw ${slow.maxActive})`);
      assertPerMessageOrder(statusEvents(slow.requests), eventOrder(slowEvents));
    });

    it('the limit is per origin: two slow origins have two requests in flight each at the same time', async () => {
      const one = await slowReceiver(2);
      const two = await slowReceiver(2);
      const ids = [
        ...(await sendMessages(gateway, {
          to: deliverableNumbers(6, 74),
          text: 'origin one',
          callbackUrl: one.receiver.url('/one'),
        })),
        ...(await sendMessages(gateway, {
          to: deliverableNumbers(6, 75),
          text: 'origin two',
          callbackUrl: two.receiver.url('/two'),
        })),
      ];
      await waitFor(
        () => (one.receiver.active === 2 && two.receiver.active === 2 ? true : undefined),
        10_000,
        'two requests held at each origin',
      );
      const status = await deliveryStatus();
      for (const origin of [one.receiver.origin, two.receiver.origin]) {
        assert.equal(status.destinations.find((d) => d.origin === origin)?.active, 2, origin);
      }
      one.gate.open();
      two.gate.open();
      const events = await waitForEventsSettled(store, ids);
      assert.equal(events.length, 24);
      assert.ok(events.every((e) => e.state === 'delivered'));
      assert.ok(one.receiver.maxActive <= 2 && two.receiver.maxActive <= 2);
      assert.equal(one.receiver.requests.length + two.receiver.requests.length, 24);
    });
  },
  describe,
);
