// More new events than fit in memory while memory is empty (a big send, or a time-range replay):
// WebhookDeliverer.enqueue leaves them on disk and must read them back at once. (Until fd15b04 nothing
// did: with nothing in memory nothing finished, so nothing refilled, and the events stayed pending
// until a restart.)
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  assertPerMessageOrder,
  deliverableNumbers,
  eventOrder,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
} from '../helpers/webhook-receiver.js';

await describeEachDatabase(
  'more new events than fit in memory, while memory is empty',
  (db) => {
    // A fresh store and gateway per test, so each starts with nothing in memory.
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, {
        config: {
          webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS, maxInMemory: 10 },
        },
      });
    });
    afterEach(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('a time-range replay of 40 events with maxInMemory 10 delivers them all again', async () => {
      const since = new Date().toISOString();
      const ids: string[] = [];
      // Sent a few at a time and delivered, so memory is empty when the replay comes.
      for (let i = 0; i < 4; i++) {
        const batch = await sendMessages(gateway, {
          to: deliverableNumbers(5, 84 + i),
          text: `replay ${i}`,
          callbackUrl: receiver.url('/replay'),
        });
        await waitForEventsSettled(store, batch);
        ids.push(...batch);
      }
      const first = await waitForEventsSettled(store, ids);
      assert.equal(first.length, 40);
      assert.ok(first.every((e) => e.state === 'delivered'));
      assert.equal(gateway.webhooks.status().inMemory, 0);
      const until = new Date(Date.now() + 1).toISOString();
      const delivered = receiver.requests.length;

      const replay = await gateway.http.inject({
        method: 'POST',
        url: '/v1/events/replay',
        headers: { 'content-type': 'application/json', ...ADMIN_AUTH },
        payload: JSON.stringify({ since, until }),
      });
      assert.equal(replay.statusCode, 200, replay.body);
      assert.equal(replay.json().replayed, 40);
      const again = await waitForEventsSettled(store, ids);
      assert.ok(again.every((e) => e.state === 'delivered' && e.attempts === 1));
      const copies = statusEvents(receiver.requests.slice(delivered));
      assert.deepEqual(new Set(copies.map((r) => r.payload.id)), new Set(first.map((e) => e.id)));
      assertPerMessageOrder(copies, eventOrder(first));
    });

    it('one send of 30 messages (60 events) with maxInMemory 10 and nothing in memory is delivered', async () => {
      assert.equal(gateway.webhooks.status().inMemory, 0);
      receiver.answer(503);
      const ids = await sendMessages(gateway, {
        to: deliverableNumbers(30, 88),
        text: 'one big send',
        callbackUrl: receiver.url('/big'),
      });
      // The deliverer works on them (at most 10 in memory) while the receiver is down...
      await receiver.waitForRequests(10);
      assert.ok(gateway.webhooks.status().inMemory <= 10);
      receiver.answer(200);
      // ...and delivers them all once it is up.
      const events = await waitForEventsSettled(store, ids);
      assert.equal(events.length, 60);
      assert.ok(events.every((e) => e.state === 'delivered'));
      assertPerMessageOrder(statusEvents(receiver.to('/big')), eventOrder(events));
    });
  },
  describe,
);
