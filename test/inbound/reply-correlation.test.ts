/**
 * Replies through the sim connector (POST /v1/connectors/sim/inbound): which outbound message an
 * inbound one answers, which account it belongs to, who may see it, the reply marks on the message
 * and the account's inbound webhook.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { assertError, createAccount, type Headers, type MessageView, sendOk } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import {
  backdateMessage,
  freshNumber,
  inboundFrom,
  listInbound,
  OTHER_SENDER,
  onlyInboundFrom,
  request,
  SENDER,
  SHORT_CODE,
  simulateInbound,
  startInboundGateway,
  WebhookReceiver,
} from './support.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const WINDOW_SECONDS = 60;

type ReplyView = MessageView & { replyRequired: boolean; awaitingReply: boolean; repliedAt: string | null };

/** `GET /v1/messages/:id` as the account that sent it (messages are per account, even for an admin). */
async function message(gateway: Gateway, id: string, headers: Headers): Promise<ReplyView> {
  const response = await request(gateway, 'GET', `/v1/messages/${id}`, undefined, headers);
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as ReplyView;
}

async function sendFrom(
  gateway: Gateway,
  headers: Headers,
  to: string,
  from: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const [accepted] = await sendOk(
    gateway,
    { to, text: `hello from ${from ?? 'the default sender'}`, ...(from ? { from } : {}), ...extra },
    headers,
  );
  return accepted!.id;
}

await describeEachDatabase(
  'inbound replies through the sim connector',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let alice: Awaited<ReturnType<typeof createAccount>>;
    let bob: Awaited<ReturnType<typeof createAccount>>;

    before(async () => {
      store = await db.open();
      receiver = await new WebhookReceiver().start();
      gateway = await startInboundGateway(store, { inbound: { correlationWindowSeconds: WINDOW_SECONDS } });
      alice = await createAccount(store);
      bob = await createAccount(store);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.stop();
      await store.destroy();
    });

    it('a reply to a replyRequired message is stored, correlated, marks the message replied and is posted to the inbound webhook', async () => {
      await request(
        gateway,
        'PUT',
        `/v1/accounts/${alice.accountId}/webhooks`,
        { inboundUrl: `${receiver.url}/alice-inbound` },
        alice.auth,
      ).then((r) => assert.equal(r.statusCode, 200, r.body));
      const customer = freshNumber();
      const id = await sendFrom(gateway, alice.auth, customer, SENDER, {
        replyRequired: true,
        clientRef: 'order-7',
      });
      const plain = await sendFrom(gateway, alice.auth, freshNumber(), SENDER);
      const sent = await message(gateway, id, alice.auth);
      assert.equal(sent.replyRequired, true);
      assert.equal(sent.awaitingReply, true);
      assert.equal(sent.repliedAt, null);
      const other = await message(gateway, plain, alice.auth);
      assert.equal(other.replyRequired, false);
      assert.equal(other.awaitingReply, false);
      assert.equal(other.repliedAt, null);

      // The handset answers the sender's number written without its `+`, as SMSCs often do.
      await simulateInbound(gateway, { from: customer, to: SENDER.slice(1), text: 'Yes please' });

      const inbound = await onlyInboundFrom(gateway, customer);
      assert.equal(inbound.inReplyTo, id);
      assert.equal(inbound.accountId, alice.accountId);
      assert.equal(inbound.connector, 'sim');
      assert.equal(inbound.from, customer);
      assert.equal(inbound.to, SENDER);
      assert.equal(inbound.text, 'Yes please');
      assert.equal(inbound.keyword, null);
      assert.match(inbound.id, /^in_[0-9A-Z]{26}$/);
      assert.match(inbound.receivedAt, ISO);

      // The account sees it in its list, filtered by message, and by id.
      const mine = await listInbound(gateway, { messageId: id }, alice.auth);
      assert.deepEqual(
        mine.data.map((r) => r.id),
        [inbound.id],
      );
      const byId = await request(gateway, 'GET', `/v1/inbound/${inbound.id}`, undefined, alice.auth);
      assert.equal(byId.statusCode, 200, byId.body);
      assert.deepEqual(byId.json(), inbound);

      const replied = await message(gateway, id, alice.auth);
      assert.equal(replied.replyRequired, true);
      assert.equal(replied.awaitingReply, false);
      assert.equal(replied.repliedAt, inbound.receivedAt);
      assert.equal(
        (await message(gateway, plain, alice.auth)).repliedAt,
        null,
        'the other message is untouched',
      );

      const hook = await receiver.eventFor(inbound.id);
      assert.equal(hook.path, '/alice-inbound');
      assert.equal(hook.body.type, 'message.inbound');
      assert.match(hook.body.id, /^evt_/);
      assert.equal(hook.body.data.inboundId, inbound.id);
      assert.equal(hook.body.data.inReplyTo, id);
      assert.equal(hook.body.data.inReplyToClientRef, 'order-7');
      assert.equal(hook.body.data.from, customer);
      assert.equal(hook.body.data.to, SENDER);
      assert.equal(hook.body.data.text, 'Yes please');
      assert.equal(hook.body.data.connector, 'sim');
      assert.equal(hook.body.data.keyword, null);
      assert.equal(hook.body.data.receivedAt, inbound.receivedAt);
    });

    it('a second reply to the same message is stored but keeps the first repliedAt', async () => {
      const customer = freshNumber();
      const id = await sendFrom(gateway, alice.auth, customer, SENDER, { replyRequired: true });
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'first' });
      const first = (await message(gateway, id, alice.auth)).repliedAt;
      assert.ok(first);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'second' });
      const rows = await inboundFrom(gateway, customer);
      assert.deepEqual(
        rows.map((r) => [r.text, r.inReplyTo]),
        [
          ['second', id],
          ['first', id],
        ],
      );
      assert.equal((await message(gateway, id, alice.auth)).repliedAt, first);
      assert.equal((await message(gateway, id, alice.auth)).awaitingReply, false);
    });

    it('answers the latest message to that number from the sender replied to, not one from another sender', async () => {
      const customer = freshNumber();
      const fromSender1 = await sendFrom(gateway, alice.auth, customer, SENDER);
      const fromOther1 = await sendFrom(gateway, alice.auth, customer, OTHER_SENDER);
      const fromSender2 = await sendFrom(gateway, alice.auth, customer, SENDER);
      const fromOther2 = await sendFrom(gateway, bob.auth, customer, OTHER_SENDER);
      await sendFrom(gateway, alice.auth, freshNumber(), SENDER); // to someone else: irrelevant

      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'to sender 1' });
      await simulateInbound(gateway, { from: customer, to: OTHER_SENDER.slice(1), text: 'to sender 2' });
      const rows = await inboundFrom(gateway, customer);
      const bySender = new Map(rows.map((r) => [r.text, r]));
      assert.equal(bySender.get('to sender 1')?.inReplyTo, fromSender2);
      assert.equal(bySender.get('to sender 1')?.accountId, alice.accountId);
      assert.notEqual(bySender.get('to sender 1')?.inReplyTo, fromSender1);
      // Alice and Bob both wrote from OTHER_SENDER: a reply to it is not handed to whoever wrote
      // last (Bob), nor to Alice; it is stored without an account until the number has an owner.
      assert.equal(bySender.get('to sender 2')?.accountId, null, 'a shared sender nobody owns');
      assert.equal(bySender.get('to sender 2')?.inReplyTo, null);
      assert.ok(fromOther1 && fromOther2);
    });

    it('a message sent without a sender answers replies to any address; a short code matches exactly', async () => {
      const customer = freshNumber();
      const shortCode = await sendFrom(gateway, alice.auth, customer, SHORT_CODE);
      await simulateInbound(gateway, { from: customer, to: SHORT_CODE, text: 'to the short code' });
      assert.equal((await onlyInboundFrom(gateway, customer)).inReplyTo, shortCode);

      const noSender = await sendFrom(gateway, bob.auth, customer, undefined);
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'to the default' });
      await simulateInbound(gateway, { from: customer, to: '54321', text: 'to another short code' });
      const rows = new Map((await inboundFrom(gateway, customer)).map((r) => [r.text, r]));
      assert.equal(rows.get('to the default')?.inReplyTo, noSender);
      assert.equal(rows.get('to the default')?.accountId, bob.accountId);
      assert.equal(rows.get('to another short code')?.inReplyTo, noSender);

      // A short code is not the number that happens to end in the same digits.
      const other = freshNumber();
      await sendFrom(gateway, alice.auth, other, SHORT_CODE);
      await simulateInbound(gateway, { from: other, to: '112345', text: 'near miss' });
      const miss = await onlyInboundFrom(gateway, other);
      assert.equal(miss.inReplyTo, null);
      assert.equal(miss.accountId, null);
    });

    it('outside the correlation window a reply answers nothing but still belongs to the account', async () => {
      const customer = freshNumber();
      const old = await sendFrom(gateway, alice.auth, customer, SENDER, { replyRequired: true });
      await backdateMessage(store, old, (WINDOW_SECONDS + 60) * 1000);
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'late answer' });
      const late = await onlyInboundFrom(gateway, customer);
      assert.equal(late.inReplyTo, null);
      assert.equal(late.accountId, alice.accountId);
      const stillWaiting = await message(gateway, old, alice.auth);
      assert.equal(stillWaiting.awaitingReply, true);
      assert.equal(stillWaiting.repliedAt, null);
      assert.deepEqual(
        (await listInbound(gateway, { from: customer }, alice.auth)).data.map((r) => r.id),
        [late.id],
        'the account sees the uncorrelated reply',
      );

      // Inside the window (half of it ago) the same kind of message is answered.
      const recent = freshNumber();
      const inside = await sendFrom(gateway, alice.auth, recent, SENDER, { replyRequired: true });
      await backdateMessage(store, inside, (WINDOW_SECONDS / 2) * 1000);
      await simulateInbound(gateway, { from: recent, to: SENDER, text: 'in time' });
      assert.equal((await onlyInboundFrom(gateway, recent)).inReplyTo, inside);
      assert.equal((await message(gateway, inside, alice.auth)).awaitingReply, false);
    });

    it('an old conversation still attributes the reply when the latest message of that sender is out of the window', async () => {
      const customer = freshNumber();
      const bobsOld = await sendFrom(gateway, bob.auth, customer, SENDER);
      await backdateMessage(store, bobsOld, 3600_000);
      const alicesRecentOtherSender = await sendFrom(gateway, alice.auth, customer, OTHER_SENDER);
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'hi again' });
      const row = await onlyInboundFrom(gateway, customer);
      assert.equal(row.accountId, bob.accountId, 'attributed to the old conversation with that sender');
      assert.equal(row.inReplyTo, null);
      assert.notEqual(row.inReplyTo, alicesRecentOtherSender);
    });

    it('a reply from a number nobody messaged is stored unattributed and only an admin sees it', async () => {
      const stranger = freshNumber();
      await simulateInbound(gateway, { from: stranger, to: SENDER, text: 'who is this?' });
      const row = await onlyInboundFrom(gateway, stranger);
      assert.equal(row.accountId, null);
      assert.equal(row.inReplyTo, null);
      assert.equal(row.keyword, null);
      const admin = await request(gateway, 'GET', `/v1/inbound/${row.id}`);
      assert.equal(admin.statusCode, 200, admin.body);
      for (const client of [alice, bob]) {
        const listed = await listInbound(gateway, { from: stranger }, client.auth);
        assert.deepEqual(listed.data, []);
        const all = await listInbound(gateway, { limit: 1000 }, client.auth);
        assert.ok(!all.data.some((r) => r.id === row.id));
        assertError(await request(gateway, 'GET', `/v1/inbound/${row.id}`, undefined, client.auth), 404);
      }
    });

    it('a client sees its own inbound messages and never another account’s', async () => {
      const customer = freshNumber();
      const bobsMessage = await sendFrom(gateway, bob.auth, customer, SENDER);
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'for bob' });
      const row = await onlyInboundFrom(gateway, customer);
      assert.equal(row.accountId, bob.accountId);

      assert.deepEqual(
        (await listInbound(gateway, { from: customer }, bob.auth)).data.map((r) => r.id),
        [row.id],
      );
      assert.deepEqual((await listInbound(gateway, { from: customer }, alice.auth)).data, []);
      assert.deepEqual((await listInbound(gateway, { messageId: bobsMessage }, alice.auth)).data, []);
      const aliceAll = await listInbound(gateway, { limit: 1000 }, alice.auth);
      assert.ok(aliceAll.data.length > 0, 'Alice has inbound messages of her own by now');
      assert.ok(aliceAll.data.every((r) => r.accountId === alice.accountId));
      assertError(await request(gateway, 'GET', `/v1/inbound/${row.id}`, undefined, alice.auth), 404);
      assertError(await request(gateway, 'GET', '/v1/inbound/in_01NOSUCHTHING000000000000', undefined), 404);
    });

    it('lists newest first and pages with the cursor', async () => {
      const customer = freshNumber();
      await sendFrom(gateway, alice.auth, customer, SENDER);
      for (const text of ['one', 'two', 'three']) {
        await simulateInbound(gateway, { from: customer, to: SENDER, text });
      }
      const first = await listInbound(gateway, { from: customer, limit: 2 }, alice.auth);
      assert.deepEqual(
        first.data.map((r) => r.text),
        ['three', 'two'],
      );
      assert.equal(first.nextCursor, first.data[1]!.id);
      const second = await listInbound(
        gateway,
        { from: customer, limit: 2, cursor: first.nextCursor! },
        alice.auth,
      );
      assert.deepEqual(
        second.data.map((r) => r.text),
        ['one'],
      );
      assert.equal(second.nextCursor, null);
      // `from` is read like any number: national-style spacing and all.
      const spaced = await listInbound(gateway, { from: `+44 7911 ${customer.slice(7)}` }, alice.auth);
      assert.equal(spaced.data.length, 3);
      assertError(await request(gateway, 'GET', '/v1/inbound?limit=0'), 400, { field: 'limit' });
      assertError(await request(gateway, 'GET', '/v1/inbound?bogus=1'), 400, { code: 'unknown_field' });
    });

    it('POST /v1/connectors/:name/inbound is for admins, on sim connectors that exist, with a text', async () => {
      const body = { from: freshNumber(), to: SENDER, text: 'hi' };
      assertError(await request(gateway, 'POST', '/v1/connectors/sim/inbound', body, alice.auth), 403);
      assertError(await request(gateway, 'POST', '/v1/connectors/nosuch/inbound', body), 404);
      assertError(await request(gateway, 'POST', '/v1/connectors/sim/inbound', { ...body, text: '' }), 400, {
        field: 'text',
      });
      assertError(
        await request(gateway, 'POST', '/v1/connectors/sim/inbound', { from: body.from, to: SENDER }),
        400,
        {
          field: 'text',
        },
      );
      assertError(
        await request(gateway, 'POST', '/v1/connectors/sim/inbound', { ...body, extra: true }),
        400,
        { code: 'unknown_field', field: 'extra' },
      );
      const noAuth = await gateway.http.inject({
        method: 'POST',
        url: '/v1/connectors/sim/inbound',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      assert.equal(noAuth.statusCode, 401);
      assert.deepEqual(await inboundFrom(gateway, body.from), [], 'nothing refused was stored');
    });
  },
  describe,
);

await describeEachDatabase(
  'inbound replies with a one-second correlation window',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startInboundGateway(store, { inbound: { correlationWindowSeconds: 1 } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('a reply after the window answers nothing but belongs to the account; a prompt one answers', async () => {
      const account = await createAccount(store);
      const slow = freshNumber();
      const quick = freshNumber();
      const slowId = await sendFrom(gateway, account.auth, slow, SENDER, { replyRequired: true });
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      const quickId = await sendFrom(gateway, account.auth, quick, SENDER, { replyRequired: true });
      await simulateInbound(gateway, { from: quick, to: SENDER, text: 'quick' });
      await simulateInbound(gateway, { from: slow, to: SENDER, text: 'slow' });
      const slowRow = await onlyInboundFrom(gateway, slow);
      assert.equal(slowRow.inReplyTo, null);
      assert.equal(slowRow.accountId, account.accountId);
      assert.equal((await message(gateway, slowId, account.auth)).awaitingReply, true);
      const quickRow = await onlyInboundFrom(gateway, quick);
      assert.equal(quickRow.inReplyTo, quickId);
      assert.equal((await message(gateway, quickId, account.auth)).awaitingReply, false);
    });
  },
  describe,
);
