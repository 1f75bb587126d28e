/**
 * Webhook events with two gateways on one PostgreSQL database: each event is delivered by the node
 * holding its lease, once while both live, in per-message order whichever node wrote it; a node
 * that stops hands its pending events to the other. PostgreSQL only (SQLite is one node).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import { describePostgres, type TestStore } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import {
  assertPerMessageOrder,
  deliverableNumbers,
  eventOrder,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
  waitForFinal,
} from '../helpers/webhook-receiver.js';

const WEBHOOKS = { webhooks: { allowPrivateAddresses: true } };

await describePostgres(
  'webhook events across two nodes',
  (db) => {
    let storeA: TestStore;
    let storeB: Store;
    let gatewayA: Gateway;
    let gatewayB: Gateway;
    let receiver: WebhookReceiver;

    before(async () => {
      receiver = await WebhookReceiver.start(200);
      storeA = await db.open();
      storeB = await storeA.reopen();
      gatewayA = await startTestGateway(storeA, { config: { ...WEBHOOKS, cluster: { nodeId: 'node-a' } } });
      gatewayB = await startTestGateway(storeB, { config: { ...WEBHOOKS, cluster: { nodeId: 'node-b' } } });
    });
    after(async () => {
      await gatewayB.stop(false);
      await gatewayA.stop(false).catch(() => {});
      await receiver.close();
      await storeB.close();
      await storeA.destroy();
    });

    it('every event is delivered once, in per-message order, whichever node sent the message', async () => {
      const numbers = deliverableNumbers(120, 21);
      const callbackUrl = receiver.url('/hook');
      const [viaA, viaB] = await Promise.all([
        sendMessages(gatewayA, { to: numbers.slice(0, 60), text: 'via A', callbackUrl }),
        sendMessages(gatewayB, { to: numbers.slice(60), text: 'via B', callbackUrl }),
      ]);
      const ids = [...viaA, ...viaB];
      const events = await waitForEventsSettled(storeA, ids);
      assert.ok(events.length >= ids.length * 2, `${events.length} events for ${ids.length} messages`);
      assert.ok(
        events.every((e) => e.state === 'delivered'),
        'every event delivered',
      );
      const received = statusEvents(receiver.requests);
      const perEvent = new Map<string, number>();
      for (const r of received) perEvent.set(r.payload.id, (perEvent.get(r.payload.id) ?? 0) + 1);
      const twice = [...perEvent].filter(([, n]) => n > 1);
      assert.deepEqual(twice, [], 'no event delivered by both nodes');
      assert.equal(perEvent.size, events.length, 'each stored event arrived');
      assertPerMessageOrder(received, eventOrder(events));
    });

    it('a node starting while another holds pending events leaves them to it (no double delivery)', async () => {
      receiver.requests.length = 0;
      let up = false;
      receiver.respond = () => (up ? 200 : 503);
      const ids = await sendMessages(gatewayA, {
        to: deliverableNumbers(20, 23),
        text: 'pending on A',
        callbackUrl: receiver.url('/late'),
      });
      await waitForFinal(storeA, ids);
      await waitFor(() => (receiver.requests.length > 0 ? true : undefined), 30_000, 'a first attempt');
      // A third node starts now: it reads the pending events at start, but A holds them.
      const storeC = await storeA.reopen();
      const gatewayC = await startTestGateway(storeC, { config: WEBHOOKS });
      try {
        up = true;
        const events = await waitForEventsSettled(storeA, ids, 90_000);
        assert.ok(events.every((e) => e.state === 'delivered'));
        const successes = new Map<string, number>();
        for (const r of statusEvents(receiver.requests)) {
          if (r.request.answered === 200) successes.set(r.payload.id, (successes.get(r.payload.id) ?? 0) + 1);
        }
        assert.equal(successes.size, events.length, 'every event delivered');
        assert.deepEqual(
          [...successes].filter(([, n]) => n > 1),
          [],
          'no event delivered twice',
        );
      } finally {
        await gatewayC.stop(false);
        await storeC.close();
      }
    });

    it('a node that stops leaves its undelivered events to the other, which delivers them', async () => {
      receiver.requests.length = 0;
      // A's receiver is down: A holds the events, retrying with its back-off.
      let up = false;
      receiver.respond = () => (up ? 200 : 503);
      const ids = await sendMessages(gatewayA, {
        to: deliverableNumbers(10, 22),
        text: 'held by A',
        callbackUrl: receiver.url('/down'),
      });
      await waitForFinal(storeA, ids);
      await waitFor(() => (receiver.requests.length > 0 ? true : undefined), 30_000, 'a first attempt');
      const held = await storeA.db
        .selectFrom('events')
        .select(['seq', 'lease_owner'])
        .where('message_id', 'in', ids)
        .where('state', '=', 'pending')
        .execute();
      // A wrote these events and claimed them as it wrote them. A claim skips an event another
      // statement has locked at that moment; B's sweep may then take it, so B can hold a few.
      const heldByA = held.filter((e) => e.lease_owner === 'node-a').map((e) => e.seq);
      assert.ok(heldByA.length > 0, `A holds events while the receiver is down: ${JSON.stringify(held)}`);
      await gatewayA.stop(false);
      up = true;
      // B's sweep (a third of a lease: 10 s with the shipped 30 s) takes them; its own back-off
      // for this destination is fresh, so it delivers at once.
      const events = await waitForEventsSettled(storeB, ids, 60_000);
      assert.ok(
        events.every((e) => e.state === 'delivered'),
        JSON.stringify(events.map((e) => e.state)),
      );
      const takenOver = await storeB.db
        .selectFrom('events')
        .select(['seq', 'lease_owner'])
        .where('seq', 'in', heldByA)
        .execute();
      assert.deepEqual(
        takenOver.filter((e) => e.lease_owner !== 'node-b'),
        [],
        'what A held is delivered by the node that took it over',
      );
    });
  },
  describe,
);
