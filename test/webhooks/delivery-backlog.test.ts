// Backlogs larger than memory, and restarts: with maxInMemory 10 the outbox is the queue on disk and
// is read back in order; a gateway stopped with events pending hands them to the next one. Every
// event arrives, in order per message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  assertPerMessageOrder,
  deliverableNumbers,
  eventOrder,
  eventsOf,
  isSuccess,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
  waitForFinal,
} from '../helpers/webhook-receiver.js';

const WEBHOOKS = { allowPrivateAddresses: true, ...FAST_WEBHOOKS } as const;

function config(webhooks: Partial<NonNullable<ConfigInput['webhooks']>> = {}): ConfigInput {
  return { webhooks: { ...WEBHOOKS, ...webhooks } };
}

/** Waits for the events to settle while sampling how many the deliverer holds in memory; returns the most. */
async function settleWatchingMemory(gateway: Gateway, store: TestStore, ids: string[]): Promise<number> {
  let most = 0;
  const watch = setInterval(() => {
    most = Math.max(most, gateway.webhooks.status().inMemory);
  }, 1);
  try {
    await waitFor(
      async () => {
        most = Math.max(most, gateway.webhooks.status().inMemory);
        const events = await eventsOf(store, ids);
        return events.every((e) => e.state !== 'pending') ? true : undefined;
      },
      90_000,
      'the backlog to be delivered',
    );
  } finally {
    clearInterval(watch);
  }
  return most;
}

/** Every event delivered, each received and acknowledged, in order per message. */
function assertReceivedInOrder(receiver: WebhookReceiver, events: Awaited<ReturnType<typeof eventsOf>>) {
  for (const e of events) assert.equal(e.state, 'delivered', `${e.id} (${e.status}): ${e.last_error}`);
  const received = statusEvents(receiver.requests);
  const acknowledged = new Set(
    received.filter((r) => isSuccess(r.request.answered)).map((r) => r.payload.id),
  );
  assert.deepEqual(acknowledged, new Set(events.map((e) => e.id)));
  for (const r of received) assert.equal(r.headerEventId, r.payload.id);
  assertPerMessageOrder(received, eventOrder(events));
}

await describeEachDatabase(
  'webhook backlog beyond memory',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const receivers: WebhookReceiver[] = [];
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: config({ maxInMemory: 10 }) });
    });
    after(async () => {
      await gateway.stop(false);
      for (const receiver of receivers) await receiver.close();
      await store.destroy();
    });

    it('100 events pending against a down receiver, 10 in memory at most, all delivered in order once it is up', async () => {
      const receiver = await WebhookReceiver.start(503);
      receivers.push(receiver);
      // Several requests: the first events fill memory, the rest overflow to disk.
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          ...(await sendMessages(gateway, {
            to: deliverableNumbers(10, 76 + i),
            text: `backlog ${i}`,
            callbackUrl: receiver.url('/backlog'),
          })),
        );
      }
      await waitForFinal(store, ids);
      const pending = await eventsOf(store, ids);
      assert.equal(pending.length, 100);
      await receiver.waitForRequests(30);
      const status = gateway.webhooks.status();
      assert.ok(status.inMemory <= 10, `in memory: ${status.inMemory}`);
      assert.equal(status.onDisk, true, 'the rest waits on disk');

      receiver.answer(200);
      const most = await settleWatchingMemory(gateway, store, ids);
      assert.ok(most <= 10, `never more than 10 events in memory (saw ${most})`);
      assertReceivedInOrder(receiver, await eventsOf(store, ids));
      assert.equal(gateway.webhooks.status().inMemory, 0);
    });
  },
  describe,
);

await describeEachDatabase(
  'webhook backlog across a restart',
  (db) => {
    let store: TestStore;
    let gateway: Gateway | undefined;
    const receivers: WebhookReceiver[] = [];
    before(async () => {
      store = await db.open();
    });
    after(async () => {
      await gateway?.stop(false);
      for (const receiver of receivers) await receiver.close();
      await store.destroy();
    });

    for (const maxInMemory of [100_000, 10]) {
      it(`events pending when the gateway stops are delivered, in order, by the next one (maxInMemory ${maxInMemory})`, async () => {
        const receiver = await WebhookReceiver.start(503);
        receivers.push(receiver);
        gateway = await startTestGateway(store, { config: config({ maxInMemory }) });
        const ids = await sendMessages(gateway, {
          to: deliverableNumbers(30, maxInMemory === 10 ? 82 : 83),
          text: 'restart',
          callbackUrl: receiver.url('/restart'),
        });
        await waitForFinal(store, ids);
        await receiver.waitForRequests(10);
        await gateway.stop(false);
        gateway = undefined;

        const stopped = await eventsOf(store, ids);
        assert.equal(stopped.length, 60);
        assert.ok(stopped.every((e) => e.state === 'pending'));
        const beforeRestart = receiver.requests.length;

        gateway = await startTestGateway(store, { config: config({ maxInMemory }) });
        // The new gateway picks the backlog up (still refused), then the receiver comes back.
        await receiver.waitForRequests(beforeRestart + 5);
        receiver.answer(200);
        const settled = await waitForEventsSettled(store, ids, 90_000);
        assertReceivedInOrder(receiver, settled);
        // Attempts made before the stop still count.
        const tried = new Set(
          statusEvents(receiver.requests.slice(0, beforeRestart)).map((r) => r.payload.id),
        );
        for (const e of settled) if (tried.has(e.id)) assert.ok(e.attempts >= 2, `${e.id}: ${e.attempts}`);
        await gateway.stop(false);
        gateway = undefined;
      });
    }
  },
  describe,
);
