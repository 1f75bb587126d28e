// Dead letters and replays on real sockets: an event that keeps failing past retryForSeconds ends
// `dead` with its last error; replaying it (alone, or by time range) delivers it again, same id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  assertPerMessageOrder,
  deliverableNumbers,
  type EventView,
  eventOrder,
  eventsOf,
  listAllEvents,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
} from '../helpers/webhook-receiver.js';

await describeEachDatabase(
  'dead letters and replay',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const receivers: WebhookReceiver[] = [];
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: {
          webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS, retryForSeconds: 1 },
        },
      });
    });
    after(async () => {
      await gateway.stop(false);
      for (const receiver of receivers) await receiver.close();
      await store.destroy();
    });

    async function receiver(answer: number): Promise<WebhookReceiver> {
      const started = await WebhookReceiver.start(answer);
      receivers.push(started);
      return started;
    }

    async function getEvent(id: string): Promise<EventView> {
      const response = await gateway.http.inject({
        method: 'GET',
        url: `/v1/events/${id}`,
        headers: ADMIN_AUTH,
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as EventView;
    }

    async function replayOne(id: string): Promise<{ replayed: number; event: EventView }> {
      const response = await gateway.http.inject({
        method: 'POST',
        url: `/v1/events/${id}/replay`,
        headers: ADMIN_AUTH,
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { replayed: number; event: EventView };
    }

    async function replayRange(body: Record<string, unknown>) {
      return gateway.http.inject({
        method: 'POST',
        url: '/v1/events/replay',
        headers: { 'content-type': 'application/json', ...ADMIN_AUTH },
        payload: JSON.stringify(body),
      });
    }

    it('an event failing with HTTP 500 past retryForSeconds ends dead; replayed once the receiver is fixed, it is delivered', async () => {
      const hook = await receiver(500);
      const [messageId] = await sendMessages(gateway, {
        to: deliverableNumbers(1, 28),
        text: 'dead letter',
        callbackUrl: hook.url('/dead'),
      });
      const dead = await waitForEventsSettled(store, [messageId!], 30_000);
      assert.deepEqual(
        dead.map((e) => [e.status, e.state]),
        [
          ['sent', 'dead'],
          ['delivered', 'dead'],
        ],
      );
      const received = statusEvents(hook.requests);
      for (const e of dead) {
        assert.match(e.last_error ?? '', /^HTTP 500\b/);
        assert.match(e.last_error ?? '', /receiver answers 500/, 'the error keeps the start of the body');
        assert.equal(e.delivered_at, null);
        // Every attempt reached the receiver and was counted.
        assert.equal(e.attempts, received.filter((r) => r.payload.id === e.id).length);
      }
      const [sent, delivered] = dead;
      assert.ok(sent!.attempts >= 2, `retried before it was given up (${sent!.attempts} attempts)`);
      assert.ok(delivered!.attempts >= 1, 'the later event was tried once the first was given up');
      // The later event was not tried before the earlier one was settled (dead counts as settled).
      assertPerMessageOrder(
        received.filter((r) => r.payload.id === sent!.id),
        eventOrder(dead),
      );
      const firstOfLater = received.findIndex((r) => r.payload.id === delivered!.id);
      assert.ok(received.slice(firstOfLater).every((r) => r.payload.id === delivered!.id));

      // The API shows them dead, with the error, and lists them under state=dead.
      const view = await getEvent(sent!.id);
      assert.equal(view.state, 'dead');
      assert.match(view.lastError ?? '', /HTTP 500/);
      assert.equal(view.nextAttemptAt, null);
      assert.equal(view.deliveredAt, null);
      const deadIds = (await listAllEvents(gateway, { state: 'dead' })).map((e) => e.id);
      assert.ok(deadIds.includes(sent!.id) && deadIds.includes(delivered!.id));

      hook.answer(200);
      const before = hook.requests.length;
      const replay = await replayOne(sent!.id);
      assert.equal(replay.replayed, 1);
      assert.equal(replay.event.id, sent!.id);
      assert.ok(['pending', 'delivered'].includes(replay.event.state), replay.event.state);
      const redelivered = await waitFor(async () => {
        const e = await getEvent(sent!.id);
        return e.state === 'delivered' ? e : undefined;
      });
      assert.equal(redelivered.attempts, 1, 'attempts start again from zero');
      assert.equal(redelivered.lastError, null);
      assert.ok(redelivered.deliveredAt);
      const copies = statusEvents(hook.requests.slice(before));
      assert.deepEqual(
        copies.map((r) => [r.payload.id, r.headerEventId, r.request.answered]),
        [[sent!.id, sent!.id, 200]],
      );
      assert.equal(copies[0]!.request.body, received.find((r) => r.payload.id === sent!.id)!.request.body);
      // Only that event was replayed: the other stays dead until replayed itself.
      assert.equal((await getEvent(delivered!.id)).state, 'dead');
      const second = await replayOne(delivered!.id);
      assert.equal(second.replayed, 1);
      const settled = await waitForEventsSettled(store, [messageId!]);
      assert.deepEqual(
        settled.map((e) => [e.id, e.state, e.attempts, e.last_error]),
        [
          [sent!.id, 'delivered', 1, null],
          [delivered!.id, 'delivered', 1, null],
        ],
      );
      assert.deepEqual(
        statusEvents(hook.requests.slice(before)).map((r) => [r.payload.id, r.payload.data.status]),
        [
          [sent!.id, 'sent'],
          [delivered!.id, 'delivered'],
        ],
      );
    });

    it('a time-range replay of delivered events delivers them again with the same ids, in order per message', async () => {
      const hook = await receiver(200);
      const since = new Date().toISOString();
      const ids = await sendMessages(gateway, {
        to: deliverableNumbers(4, 28),
        text: 'range',
        callbackUrl: hook.url('/range'),
      });
      const first = await waitForEventsSettled(store, ids);
      assert.equal(first.length, 8);
      assert.ok(first.every((e) => e.state === 'delivered' && e.attempts === 1));
      const until = new Date(Date.now() + 1).toISOString();
      assert.equal(hook.requests.length, 8);

      // Nothing dead in the range: a replay of dead events finds none.
      const none = await replayRange({ since, until, state: 'dead' });
      assert.equal(none.statusCode, 200, none.body);
      assert.equal(none.json().replayed, 0);
      const backwards = await replayRange({ since: until, until: since });
      assert.equal(backwards.statusCode, 400, backwards.body);

      const replay = await replayRange({ since, until, state: 'delivered' });
      assert.equal(replay.statusCode, 200, replay.body);
      assert.equal(replay.json().replayed, 8);
      const second = await waitForEventsSettled(store, ids);
      assert.deepEqual(
        second.map((e) => [e.id, e.state, e.attempts]),
        first.map((e) => [e.id, 'delivered', 1]),
      );
      const original = statusEvents(hook.requests.slice(0, 8));
      const again = statusEvents(hook.requests.slice(8));
      assert.equal(again.length, 8);
      assert.deepEqual(new Set(again.map((r) => r.payload.id)), new Set(first.map((e) => e.id)));
      for (const r of again) {
        assert.equal(r.headerEventId, r.payload.id);
        assert.equal(r.request.body, original.find((o) => o.payload.id === r.payload.id)!.request.body);
      }
      assertPerMessageOrder(again, eventOrder(first));

      // By message: only that message's events.
      const one = await replayRange({ since, until, messageId: ids[0] });
      assert.equal(one.statusCode, 200, one.body);
      assert.equal(one.json().replayed, 2);
      await waitForEventsSettled(store, ids);
      const third = statusEvents(hook.requests.slice(16));
      assert.deepEqual(
        third.map((r) => [r.payload.data.messageId, r.payload.data.status]),
        [
          [ids[0], 'sent'],
          [ids[0], 'delivered'],
        ],
      );
      assert.deepEqual(
        (await eventsOf(store, ids)).map((e) => e.state),
        first.map(() => 'delivered'),
      );
    });
  },
  describe,
);
