// Webhook delivery after a short outage WITH THE SHIPPED DEFAULTS (no timing shortened): a receiver
// that answers 503 for its first 8 seconds, then 200, must get every event of 50 messages within
// 30 s of its recovery. Capped retry delays in tests once hid a ten-minute stall here: eight
// requests in flight when the receiver went down counted as eight doublings of the back-off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import {
  assertPerMessageOrder,
  deliverableNumbers,
  eventOrder,
  eventsOf,
  isSuccess,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForFinal,
} from '../helpers/webhook-receiver.js';

const OUTAGE_MS = 8_000;
const RECOVERY_BOUND_MS = 30_000;

await describeEachDatabase(
  'webhook delivery after an 8 s outage, shipped defaults',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(503);
      // Only what a user on 127.0.0.1 must set; every webhook and retry timing is the default.
      gateway = await startTestGateway(store, { config: { webhooks: { allowPrivateAddresses: true } } });
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('50 messages: every sent and delivered event arrives within 30 s of the recovery, in order', async () => {
      const downSince = Date.now();
      const ids = await sendMessages(gateway, {
        to: deliverableNumbers(50, 27),
        text: 'outage with defaults',
        callbackUrl: receiver.url('/defaults'),
      });
      await waitForFinal(store, ids);
      const wait = OUTAGE_MS - (Date.now() - downSince);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const refusedDuringOutage = receiver.requests.length;
      receiver.answer(200);
      const recoveredAt = Date.now();

      const events = await waitFor(
        async () => {
          const rows = await eventsOf(store, ids);
          return rows.length === 100 && rows.every((e) => e.state === 'delivered') ? rows : undefined;
        },
        RECOVERY_BOUND_MS,
        `every event delivered within ${RECOVERY_BOUND_MS / 1000} s of the recovery`,
      );
      const lastAcknowledged = Math.max(...events.map((e) => Number(e.delivered_at)));
      assert.ok(lastAcknowledged - recoveredAt <= RECOVERY_BOUND_MS);

      // The outage cost a few probes, not a flood: the 8 first deliveries in flight, then one at a time.
      assert.ok(refusedDuringOutage >= 8, `${refusedDuringOutage} requests during the outage`);
      assert.ok(refusedDuringOutage <= 8 + 6, `${refusedDuringOutage} requests during the outage`);
      const received = statusEvents(receiver.requests);
      const acknowledged = new Set(
        received.filter((r) => isSuccess(r.request.answered)).map((r) => r.payload.id),
      );
      assert.equal(acknowledged.size, 100);
      const statuses = received
        .filter((r) => isSuccess(r.request.answered))
        .map((r) => r.payload.data.status);
      assert.equal(statuses.filter((s) => s === 'sent').length, 50);
      assert.equal(statuses.filter((s) => s === 'delivered').length, 50);
      assertPerMessageOrder(received, eventOrder(events));
    });
  },
  describe,
);
