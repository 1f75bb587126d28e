// Webhook delivery through a receiver outage, end to end on real sockets: ~200 messages through the
// sim connector with a callbackUrl, a receiver that is down (answering 503, or not listening at all)
// until every event exists, then up. Every event must arrive, in order per message, with a stable id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import type { EventRow } from '../../src/store/queries/events.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  assertPerMessageOrder,
  deliverableNumbers,
  eventOrder,
  eventsOf,
  expectedEventStatuses,
  isSuccess,
  listAllEvents,
  type ReceivedStatus,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
  waitForFinal,
} from '../helpers/webhook-receiver.js';

/** 200 recipients: mostly delivered, plus every other sim outcome (undelivered, rejected, expired, throttled). */
function recipients(block: number): string[] {
  const special = [
    '+447911230000',
    '+447911240000',
    '+447911250000',
    '+447911230001',
    '+447911240001',
    '+447911250001',
    '+447911230002',
    '+447911240002',
    '+447911230003',
    '+447911240003',
  ];
  return [...deliverableNumbers(190, block), ...special];
}

/** Sends the recipients in four requests of 50, each message with `callbackUrl`. */
async function sendAll(gateway: Gateway, to: string[], callbackUrl: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < to.length; i += 50) {
    ids.push(
      ...(await sendMessages(gateway, {
        to: to.slice(i, i + 50),
        text: `outage ${i}`,
        clientRef: `outage-${i}`,
        callbackUrl,
      })),
    );
  }
  assert.equal(new Set(ids).size, to.length);
  return ids;
}

/** Per message, the statuses of its events as the store holds them (oldest first). */
function statusesByMessage(events: readonly EventRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const list = out.get(e.message_id!) ?? [];
    list.push(e.status!);
    out.set(e.message_id!, list);
  }
  return out;
}

/**
 * Checks what every outage test must end with: each stored event delivered, received 2xx at least
 * once with the same id in header and body and the same body on every attempt, per-message order
 * kept, and the API showing it delivered. Returns the received events grouped by event id.
 */
async function assertAllDelivered(
  gateway: Gateway,
  store: TestStore,
  ids: readonly string[],
  receiver: WebhookReceiver,
): Promise<{ settled: EventRow[]; byEvent: Map<string, ReceivedStatus[]> }> {
  const settled = await waitForEventsSettled(store, ids, 120_000);

  // The events are exactly the messages' status transitions after acceptance, except `sending`.
  const stored = statusesByMessage(settled);
  let expectedCount = 0;
  for (const id of ids) {
    const expected = await expectedEventStatuses(store, id);
    expectedCount += expected.length;
    assert.deepEqual(stored.get(id) ?? [], expected, `events of ${id}`);
  }
  assert.equal(settled.length, expectedCount);
  for (const e of settled) assert.equal(e.state, 'delivered', `${e.id} (${e.status}): ${e.last_error}`);

  const received = statusEvents(receiver.requests);
  const byEvent = new Map<string, ReceivedStatus[]>();
  for (const r of received) {
    assert.equal(r.headerEventId, r.payload.id, 'the smsgate-event-id header names the event in the body');
    assert.equal(r.payload.type, 'message.status');
    const list = byEvent.get(r.payload.id) ?? [];
    list.push(r);
    byEvent.set(r.payload.id, list);
  }
  // At least once: every stored event reached the receiver and was acknowledged; nothing else came.
  assert.deepEqual(new Set(byEvent.keys()), new Set(settled.map((e) => e.id)));
  for (const event of settled) {
    const copies = byEvent.get(event.id)!;
    assert.ok(
      copies.some((c) => isSuccess(c.request.answered)),
      `${event.id} was acknowledged`,
    );
    // A redelivery is the same event: same id (checked above), same body.
    for (const copy of copies) assert.equal(copy.request.body, copies[0]!.request.body);
    const { data } = copies[0]!.payload;
    assert.equal(data.messageId, event.message_id);
    assert.equal(data.status, event.status);
  }
  assertPerMessageOrder(received, eventOrder(settled));

  // In acknowledgement order, each message's received statuses are its transitions.
  const acknowledged = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const r of [...received].sort((a, b) => a.request.answeredTick! - b.request.answeredTick!)) {
    if (!isSuccess(r.request.answered) || seen.has(r.payload.id)) continue;
    seen.add(r.payload.id);
    const list = acknowledged.get(r.payload.data.messageId) ?? [];
    list.push(r.payload.data.status);
    acknowledged.set(r.payload.data.messageId, list);
  }
  for (const id of ids)
    assert.deepEqual(acknowledged.get(id) ?? [], stored.get(id) ?? [], `received for ${id}`);

  // Counted per outcome: delivered numbers report sent then delivered; throttled ones their retries.
  const patterns = new Map<string, number>();
  for (const id of ids) {
    const key = (stored.get(id) ?? []).join('>');
    patterns.set(key, (patterns.get(key) ?? 0) + 1);
  }
  assert.deepEqual(
    Object.fromEntries(patterns),
    {
      'sent>delivered': 190,
      'sent>undelivered': 3,
      rejected: 3,
      'sent>expired': 2,
      'queued>queued>sent>delivered': 2,
    },
    'events per message, by sequence of statuses',
  );
  assert.equal(settled.length, 190 * 2 + 3 * 2 + 3 + 2 * 2 + 2 * 4);

  // The API shows each of them delivered.
  const listed = new Map((await listAllEvents(gateway)).map((e) => [e.id, e]));
  for (const event of settled) {
    const view = listed.get(event.id);
    assert.ok(view, `GET /v1/events lists ${event.id}`);
    assert.equal(view.state, 'delivered');
    assert.equal(view.messageId, event.message_id);
    assert.equal(view.status, event.status);
    assert.equal(view.url, receiver.url('/status'));
    assert.equal(view.format, 'native');
    assert.ok(view.deliveredAt, 'deliveredAt is set');
    assert.equal(view.nextAttemptAt, null);
    assert.equal(view.lastError, null);
    assert.ok(view.attempts >= 1);
  }
  const pending = await listAllEvents(gateway, { state: 'pending' });
  assert.deepEqual(
    pending.filter((e) => ids.includes(e.messageId ?? '')),
    [],
  );
  return { settled, byEvent };
}

await describeEachDatabase(
  'webhook delivery through a receiver outage',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const receivers: WebhookReceiver[] = [];
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: { webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS } },
      });
    });
    after(async () => {
      await gateway.stop(false);
      for (const receiver of receivers) await receiver.close();
      await store.destroy();
    });

    it('a receiver answering 503 for a while, then 200, gets every event, in order per message, ids stable', async () => {
      const receiver = await WebhookReceiver.start(503);
      receivers.push(receiver);
      const ids = await sendAll(gateway, recipients(21), receiver.url('/status'));

      // Down until every message is final (so every event exists) and it has refused some deliveries.
      await waitForFinal(store, ids);
      await receiver.waitForRequests(40);
      const whileDown = await eventsOf(store, ids);
      assert.ok(whileDown.length > 0);
      assert.ok(
        whileDown.every((e) => e.state === 'pending'),
        'no event is delivered while the receiver answers 503',
      );
      assert.ok(
        whileDown.some((e) => (e.last_error ?? '').startsWith('HTTP 503')),
        'the stored attempts record the 503',
      );
      receiver.answer(200);

      const { settled, byEvent } = await assertAllDelivered(gateway, store, ids, receiver);

      // Refused deliveries were redelivered with the same event id (and body); the stored attempt
      // count is the number of requests the receiver got for the event.
      const refused = receiver.requests.filter((r) => r.answered === 503);
      assert.ok(refused.length >= 40);
      let redelivered = 0;
      for (const event of settled) {
        const copies = byEvent.get(event.id)!;
        assert.equal(event.attempts, copies.length, `attempts of ${event.id}`);
        assert.equal(copies.filter((c) => isSuccess(c.request.answered)).length, 1);
        if (copies.length > 1) {
          redelivered++;
          assert.equal(copies.at(-1)!.request.answered, 200, 'the last copy is the acknowledged one');
          assert.ok(copies.slice(0, -1).every((c) => c.request.answered === 503));
        }
      }
      assert.ok(redelivered > 0, 'some events were delivered more than once');
    });

    it('a receiver that is not listening, then listens again on its port, gets every event, in order per message', async () => {
      const receiver = await WebhookReceiver.start(200);
      receivers.push(receiver);
      const port = receiver.port;
      await receiver.close();
      const ids = await sendAll(gateway, recipients(22), receiver.url('/status'));

      await waitForFinal(store, ids);
      // The deliverer has been trying: the first deliveries (8 at once, the destination's
      // concurrency) failed with connection refused, then one probe at a time, again and again.
      const tried = await waitFor(
        async () => {
          const events = await eventsOf(store, ids);
          const failed = events.filter((e) => e.attempts > 0);
          return failed.length >= 8 && failed.some((e) => e.attempts >= 3) ? failed : undefined;
        },
        30_000,
        'failed delivery attempts against the closed port',
      );
      for (const e of tried) {
        assert.equal(e.state, 'pending');
        assert.match(e.last_error ?? '', /ECONNREFUSED/);
      }
      const listedPending = await listAllEvents(gateway, { state: 'pending' });
      assert.ok(listedPending.some((e) => /ECONNREFUSED/.test(e.lastError ?? '')));
      assert.equal(receiver.requests.length, 0);

      await receiver.reopen();
      assert.equal(receiver.port, port);
      const { settled } = await assertAllDelivered(gateway, store, ids, receiver);
      const triedIds = new Set(tried.map((e) => e.id));
      for (const event of settled) {
        if (triedIds.has(event.id)) assert.ok(event.attempts >= 2, `${event.id} counts its refused attempts`);
      }
    });
  },
  describe,
);
