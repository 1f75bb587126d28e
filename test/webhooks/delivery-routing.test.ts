// Where status events go (message callbackUrl, else the account's status webhook; never the
// inbound webhook), and who sees and replays them (a client only its own events).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  assertPerMessageOrder,
  createClientAccount,
  deliverableNumbers,
  eventOrder,
  eventsOf,
  listAllEvents,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
  waitForFinal,
} from '../helpers/webhook-receiver.js';

type Headers = Record<string, string>;

async function putWebhooks(
  gateway: Gateway,
  accountId: string,
  auth: Headers,
  body: Record<string, unknown>,
) {
  return gateway.http.inject({
    method: 'PUT',
    url: `/v1/accounts/${accountId}/webhooks`,
    headers: { 'content-type': 'application/json', ...auth },
    payload: JSON.stringify(body),
  });
}

await describeEachDatabase(
  'where status events are sent',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let accountHooks: WebhookReceiver;
    let inboundHook: WebhookReceiver;
    let callbackHook: WebhookReceiver;
    before(async () => {
      store = await db.open();
      [accountHooks, inboundHook, callbackHook] = await Promise.all([
        WebhookReceiver.start(200),
        WebhookReceiver.start(200),
        WebhookReceiver.start(200),
      ]);
      gateway = await startTestGateway(store, {
        config: { webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS } },
      });
    });
    after(async () => {
      await gateway.stop(false);
      for (const receiver of [accountHooks, inboundHook, callbackHook]) await receiver.close();
      await store.destroy();
    });

    it("the account's status webhook gets the events of messages without a callbackUrl; a message's callbackUrl wins; the inbound URL gets none", async () => {
      const { accountId, auth, secret } = await createClientAccount(gateway, 'status webhook');
      const statusUrl = accountHooks.url('/status');
      const inboundUrl = inboundHook.url('/inbound');
      const put = await putWebhooks(gateway, accountId, auth, { statusUrl, inboundUrl });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { statusUrl, inboundUrl, inboundFormat: 'native', secret });
      const shown = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${accountId}/webhooks`,
        headers: auth,
      });
      assert.deepEqual(shown.json(), { statusUrl, inboundUrl, inboundFormat: 'native', secret });

      const numbers = deliverableNumbers(4, 24);
      const viaAccount = await sendMessages(gateway, { to: numbers.slice(0, 2), text: 'default hook' }, auth);
      const viaCallback = await sendMessages(
        gateway,
        { to: numbers.slice(2), text: 'own hook', callbackUrl: callbackHook.url('/mine') },
        auth,
      );
      const events = await waitForEventsSettled(store, [...viaAccount, ...viaCallback]);
      assert.equal(events.length, 8, 'sent and delivered for each of 4 messages');
      for (const e of events) {
        assert.equal(e.state, 'delivered');
        assert.equal(e.account_id, accountId);
        assert.equal(e.url, viaAccount.includes(e.message_id!) ? statusUrl : callbackHook.url('/mine'));
      }

      const atAccount = statusEvents(accountHooks.requests);
      const atCallback = statusEvents(callbackHook.requests);
      assert.deepEqual(
        atAccount.map((r) => r.payload.data.messageId).sort(),
        [...viaAccount, ...viaAccount].sort(),
      );
      assert.deepEqual(
        atCallback.map((r) => r.payload.data.messageId).sort(),
        [...viaCallback, ...viaCallback].sort(),
      );
      for (const r of atAccount) assert.equal(r.request.path, '/status');
      for (const r of atCallback) assert.equal(r.request.path, '/mine');
      assert.deepEqual(inboundHook.requests, [], 'the inbound webhook gets no status events');
    });

    it('a message without a callbackUrl, of an account without a status webhook, has no events (history only)', async () => {
      const { accountId, auth } = await createClientAccount(gateway, 'no webhook');
      const [before] = await sendMessages(gateway, { to: deliverableNumbers(1, 25), text: 'nowhere' }, auth);
      await waitForFinal(store, [before!]);
      await gateway.writer.idle();
      assert.deepEqual(await eventsOf(store, [before!]), []);

      // Setting the webhook applies to later transitions; clearing it (null) stops them again.
      const statusUrl = accountHooks.url('/later');
      assert.equal((await putWebhooks(gateway, accountId, auth, { statusUrl })).statusCode, 200);
      const [during] = await sendMessages(
        gateway,
        { to: deliverableNumbers(1, 25), text: 'somewhere' },
        auth,
      );
      const events = await waitForEventsSettled(store, [during!]);
      assert.deepEqual(
        events.map((e) => [e.status, e.url, e.state]),
        [
          ['sent', statusUrl, 'delivered'],
          ['delivered', statusUrl, 'delivered'],
        ],
      );
      const cleared = await putWebhooks(gateway, accountId, auth, { statusUrl: null });
      assert.equal(cleared.statusCode, 200, cleared.body);
      assert.equal(cleared.json().statusUrl, null);
      const [after] = await sendMessages(
        gateway,
        { to: deliverableNumbers(1, 25), text: 'nowhere again' },
        auth,
      );
      await waitForFinal(store, [after!]);
      await gateway.writer.idle();
      assert.deepEqual(await eventsOf(store, [after!]), []);
      assert.equal(accountHooks.to('/later').length, 2);
    });

    it('an inbound message goes to the inbound webhook, not to the status webhook', async () => {
      const { accountId, auth } = await createClientAccount(gateway, 'inbound');
      const statusUrl = accountHooks.url('/status-2');
      const inboundUrl = inboundHook.url('/inbound-2');
      assert.equal((await putWebhooks(gateway, accountId, auth, { statusUrl, inboundUrl })).statusCode, 200);
      const [number] = deliverableNumbers(1, 26);
      const [id] = await sendMessages(gateway, { to: [number], text: 'reply please' }, auth);
      await waitForEventsSettled(store, [id!]);
      const reply = await gateway.http.inject({
        method: 'POST',
        url: '/v1/connectors/sim/inbound',
        headers: ADMIN_AUTH,
        payload: { from: number, to: '+447911000001', text: 'a reply' },
      });
      assert.ok(reply.statusCode >= 200 && reply.statusCode < 300, reply.body);
      const [inbound] = await inboundHook.waitForRequests(1, (r) => r.path === '/inbound-2');
      const payload = JSON.parse(inbound!.body) as { type: string; data: { from: string; text: string } };
      assert.equal(payload.type, 'message.inbound');
      assert.equal(payload.data.from, number);
      assert.equal(payload.data.text, 'a reply');
      const inboundEvents = await waitFor(async () => {
        const rows = await store.db
          .selectFrom('events')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('type', '=', 'message.inbound')
          .execute();
        return rows.length > 0 && rows.every((r) => r.state !== 'pending') ? rows : undefined;
      });
      assert.deepEqual(
        inboundEvents.map((e) => [e.url, e.state]),
        [[inboundUrl, 'delivered']],
      );
      // The status webhook got the message's two status events and nothing else.
      assert.deepEqual(
        statusEvents(accountHooks.to('/status-2')).map((r) => [r.payload.type, r.payload.data.status]),
        [
          ['message.status', 'sent'],
          ['message.status', 'delivered'],
        ],
      );
      assert.equal(inboundHook.to('/inbound-2').length, 1);
    });
  },
  describe,
);

await describeEachDatabase(
  'who sees and replays events',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, {
        config: { webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS } },
      });
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('a client account sees, reads and replays only its own events; an admin sees all', async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      const a = await createClientAccount(gateway, 'client a');
      const b = await createClientAccount(gateway, 'client b');
      const aIds = await sendMessages(
        gateway,
        { to: deliverableNumbers(3, 27), text: 'from a', callbackUrl: receiver.url('/a') },
        a.auth,
      );
      const bIds = await sendMessages(
        gateway,
        { to: deliverableNumbers(2, 27), text: 'from b', callbackUrl: receiver.url('/b') },
        b.auth,
      );
      const aEvents = await waitForEventsSettled(store, aIds);
      const bEvents = await waitForEventsSettled(store, bIds);
      assert.equal(aEvents.length, 6);
      assert.equal(bEvents.length, 4);
      const aEventIds = new Set(aEvents.map((e) => e.id));
      const bEventIds = new Set(bEvents.map((e) => e.id));

      const seenByA = await listAllEvents(gateway, {}, a.auth);
      assert.deepEqual(new Set(seenByA.map((e) => e.id)), aEventIds);
      for (const e of seenByA) assert.equal(e.accountId, a.accountId);
      const seenByB = await listAllEvents(gateway, {}, b.auth);
      assert.deepEqual(new Set(seenByB.map((e) => e.id)), bEventIds);
      const filtered = await listAllEvents(gateway, { messageId: bIds[0]! }, a.auth);
      assert.deepEqual(filtered, [], "filtering by another account's message finds nothing");
      const seenByAdmin = new Set((await listAllEvents(gateway)).map((e) => e.id));
      for (const id of [...aEventIds, ...bEventIds]) assert.ok(seenByAdmin.has(id));

      const bEvent = bEvents[0]!;
      const aEvent = aEvents[0]!;
      const own = await gateway.http.inject({
        method: 'GET',
        url: `/v1/events/${aEvent.id}`,
        headers: a.auth,
      });
      assert.equal(own.statusCode, 200, own.body);
      assert.equal(own.json().id, aEvent.id);
      const other = await gateway.http.inject({
        method: 'GET',
        url: `/v1/events/${bEvent.id}`,
        headers: a.auth,
      });
      assert.equal(other.statusCode, 404, other.body);
      const replayOther = await gateway.http.inject({
        method: 'POST',
        url: `/v1/events/${bEvent.id}/replay`,
        headers: a.auth,
      });
      assert.equal(replayOther.statusCode, 404, replayOther.body);
      const delivery = await gateway.http.inject({
        method: 'GET',
        url: '/v1/events/delivery',
        headers: a.auth,
      });
      assert.equal(delivery.statusCode, 403, delivery.body);
      const adminDelivery = await gateway.http.inject({
        method: 'GET',
        url: '/v1/events/delivery',
        headers: ADMIN_AUTH,
      });
      assert.equal(adminDelivery.statusCode, 200, adminDelivery.body);

      // A range replay by A covers only A's events, though B's were created in the same range.
      const before = receiver.requests.length;
      const replay = await gateway.http.inject({
        method: 'POST',
        url: '/v1/events/replay',
        headers: { 'content-type': 'application/json', ...a.auth },
        payload: JSON.stringify({ since, until: new Date(Date.now() + 1000).toISOString() }),
      });
      assert.equal(replay.statusCode, 200, replay.body);
      assert.equal(replay.json().replayed, aEvents.length);
      await waitForEventsSettled(store, aIds);
      const again = statusEvents(receiver.requests.slice(before));
      assert.deepEqual(new Set(again.map((r) => r.payload.id)), aEventIds);
      for (const r of again) assert.equal(r.request.path, '/a');
      assertPerMessageOrder(again, eventOrder(aEvents));
      const bAfter = await eventsOf(store, bIds);
      assert.deepEqual(
        bAfter.map((e) => [e.id, e.state, e.attempts, e.delivered_at]),
        bEvents.map((e) => [e.id, e.state, e.attempts, e.delivered_at]),
        "B's events are untouched",
      );
    });
  },
  describe,
);
