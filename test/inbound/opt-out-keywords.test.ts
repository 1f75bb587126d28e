/**
 * Opt-outs by keyword, end to end through the sim connector: a STOP reply records an opt-out that
 * refuses later sends to that number from that account, START lifts it, accounts may replace the
 * keywords, the feature can be turned off, and opt-outs outlive a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { assertError, createAccount, type Headers, sendMessages, sendOk } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import {
  backdateMessage,
  countMessages,
  freshNumber,
  OTHER_SENDER,
  onlyInboundFrom,
  optedOutNumbers,
  request,
  SENDER,
  simulateInbound,
  startInboundGateway,
  WebhookReceiver,
} from './support.js';

type Account = Awaited<ReturnType<typeof createAccount>>;

/** Sends one message from SENDER to `to` as the account, asserting 202. */
async function sendTo(gateway: Gateway, account: Account, to: string, text = 'hello'): Promise<string> {
  const [accepted] = await sendOk(gateway, { to, text, from: SENDER }, account.auth);
  return accepted!.id;
}

/** Asserts a send to `to` as the account is refused as opted out (field `to`), storing nothing. */
async function assertRefused(
  gateway: Gateway,
  store: TestStore,
  headers: Headers,
  to: string,
): Promise<void> {
  const before = await countMessages(store);
  const response = await sendMessages(gateway, { to, text: 'are you there?', from: SENDER }, headers);
  const error = assertError(response, 400, { code: 'recipient_opted_out', field: 'to' });
  assert.ok(error.message.includes(to), error.message);
  assert.equal(await countMessages(store), before, 'nothing stored');
}

/** The numbers the account's opt-out list holds. */
async function optOutList(gateway: Gateway, account: Account): Promise<string[]> {
  const list = await optedOutNumbers(gateway, account.auth);
  assert.equal(list.accountId, account.accountId);
  return list.data.map((o) => o.number);
}

/** A reply from `from` to SENDER, returning what was stored. */
async function reply(gateway: Gateway, from: string, text: string) {
  await simulateInbound(gateway, { from, to: SENDER, text });
  const rows = await request(gateway, 'GET', `/v1/inbound?from=${encodeURIComponent(from)}&limit=1`);
  assert.equal(rows.statusCode, 200, rows.body);
  const [row] = rows.json().data as { id: string; text: string; keyword: string | null; accountId: string }[];
  assert.equal(row?.text, text);
  return row!;
}

await describeEachDatabase(
  'opt-out keywords through the sim connector',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let alice: Account;
    let bob: Account;

    before(async () => {
      store = await db.open();
      receiver = await new WebhookReceiver().start();
      gateway = await startInboundGateway(store);
      alice = await createAccount(store);
      bob = await createAccount(store);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.stop();
      await store.destroy();
    });

    it('"stop" opts the number out of the account: listed, sends refused (one or in a batch) until "START"', async () => {
      const customer = freshNumber();
      const friend1 = freshNumber();
      const friend2 = freshNumber();
      await sendTo(gateway, alice, customer);
      const stop = await reply(gateway, customer, 'stop');
      assert.equal(stop.keyword, 'stop');
      assert.equal(stop.accountId, alice.accountId);

      const list = await optedOutNumbers(gateway, alice.auth);
      const entry = list.data.find((o) => o.number === customer);
      assert.deepEqual(
        { ...entry, createdAt: undefined },
        { number: customer, source: 'keyword', inboundId: stop.id, createdAt: undefined },
      );

      await assertRefused(gateway, store, alice.auth, customer);
      const before = await countMessages(store);
      const batch = await sendMessages(
        gateway,
        { to: [friend1, customer, friend2], text: 'news', from: SENDER },
        alice.auth,
      );
      assertError(batch, 400, { code: 'recipient_opted_out', field: 'to[1]' });
      assert.equal(await countMessages(store), before, 'nothing stored for the other recipients either');
      // Written differently, it is the same number.
      const spaced = `+44 7911 ${customer.slice(7, 10)} ${customer.slice(10)}`;
      assertError(await sendMessages(gateway, { to: spaced, text: 'x' }, alice.auth), 400, {
        code: 'recipient_opted_out',
        field: 'to',
      });

      const start = await reply(gateway, customer, 'START');
      assert.equal(start.keyword, 'start');
      assert.equal(start.accountId, alice.accountId);
      assert.ok(!(await optOutList(gateway, alice)).includes(customer));
      await sendTo(gateway, alice, customer, 'welcome back');
      const messages = await sendOk(gateway, { to: [friend1, customer, friend2], text: 'news' }, alice.auth);
      assert.equal(messages.length, 3);
    });

    it('"Stop!" and "  stop. " count, "STOP please" does not', async () => {
      const exclaimed = freshNumber();
      const padded = freshNumber();
      const chatty = freshNumber();
      for (const n of [exclaimed, padded, chatty]) await sendTo(gateway, alice, n);
      assert.equal((await reply(gateway, exclaimed, 'Stop!')).keyword, 'stop');
      assert.equal((await reply(gateway, padded, '  stop. ')).keyword, 'stop');
      assert.equal((await reply(gateway, chatty, 'STOP please')).keyword, null);
      await assertRefused(gateway, store, alice.auth, exclaimed);
      await assertRefused(gateway, store, alice.auth, padded);
      await sendTo(gateway, alice, chatty);
      const list = await optOutList(gateway, alice);
      assert.ok(list.includes(exclaimed) && list.includes(padded));
      assert.ok(!list.includes(chatty));
    });

    it('an opt-out from one account leaves other accounts free to send; a STOP to a shared sender opts out of every account that wrote from it', async () => {
      const customer = freshNumber();
      await sendTo(gateway, alice, customer);
      assert.equal((await reply(gateway, customer, 'STOP')).accountId, alice.accountId);
      await assertRefused(gateway, store, alice.auth, customer);
      await sendTo(gateway, bob, customer, 'from bob');
      assert.ok(!(await optOutList(gateway, bob)).includes(customer));
      // Alice and Bob both wrote to the customer from SENDER, which nobody owns: the reply is
      // nobody's (not the latest writer's), and the STOP applies to the sender identity it went to,
      // so to both accounts.
      const shared = await reply(gateway, customer, 'STOP');
      assert.equal(shared.accountId, null);
      assert.equal(shared.keyword, 'stop');
      await assertRefused(gateway, store, bob.auth, customer);
      assert.deepEqual(
        (await optOutList(gateway, alice)).filter((n) => n === customer),
        [customer],
        'listed once for Alice',
      );
    });

    it('a STOP from a number nobody messaged opts out of nothing', async () => {
      const stranger = freshNumber();
      const row = await reply(gateway, stranger, 'STOP');
      assert.equal(row.keyword, null);
      assert.equal(row.accountId, null);
      await sendTo(gateway, alice, stranger);
      await sendTo(gateway, bob, stranger);
    });

    it('a STOP long after the conversation (outside the correlation window) still opts out of its account', async () => {
      const customer = freshNumber();
      const id = await sendTo(gateway, alice, customer);
      await backdateMessage(store, id, 30 * 24 * 3600_000);
      const row = await reply(gateway, customer, 'STOP');
      assert.equal(row.keyword, 'stop');
      assert.equal(row.accountId, alice.accountId);
      await assertRefused(gateway, store, alice.auth, customer);
    });

    it('French keywords work by default: ARRET, arrêt, DEMARRER', async () => {
      const a = freshNumber();
      const b = freshNumber();
      await sendTo(gateway, alice, a);
      await sendTo(gateway, alice, b);
      assert.equal((await reply(gateway, a, 'ARRET')).keyword, 'stop');
      assert.equal((await reply(gateway, b, 'arrêt')).keyword, 'stop');
      await assertRefused(gateway, store, alice.auth, a);
      await assertRefused(gateway, store, alice.auth, b);
      assert.equal((await reply(gateway, a, 'Demarrer')).keyword, 'start');
      await sendTo(gateway, alice, a);
      await assertRefused(gateway, store, alice.auth, b);
    });

    it('the inbound webhook carries the keyword', async () => {
      const account = await createAccount(store);
      const put = await request(
        gateway,
        'PUT',
        `/v1/accounts/${account.accountId}/webhooks`,
        { inboundUrl: `${receiver.url}/in` },
        account.auth,
      );
      assert.equal(put.statusCode, 200, put.body);
      const customer = freshNumber();
      await sendTo(gateway, account, customer);
      const stop = await reply(gateway, customer, 'Unsubscribe');
      assert.equal(stop.keyword, 'stop');
      const hook = await receiver.eventFor(stop.id);
      assert.equal(hook.body.data.keyword, 'stop');
      assert.equal(hook.body.data.text, 'Unsubscribe');
    });

    it('custom keywords of an account replace the defaults for that account only', async () => {
      const custom = await createAccount(store);
      const put = await request(
        gateway,
        'PUT',
        `/v1/accounts/${custom.accountId}/opt-out-keywords`,
        { keywords: { en: { stop: ['halt'], start: ['Resume'] } } },
        custom.auth,
      );
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { keywords: { en: { stop: ['HALT'], start: ['RESUME'] } }, custom: true });
      const shown = await request(
        gateway,
        'GET',
        `/v1/accounts/${custom.accountId}/opt-out-keywords`,
        undefined,
        custom.auth,
      );
      assert.deepEqual(shown.json(), {
        keywords: { en: { stop: ['HALT'], start: ['RESUME'] } },
        custom: true,
      });
      // Another client cannot change them.
      assertError(
        await request(
          gateway,
          'PUT',
          `/v1/accounts/${custom.accountId}/opt-out-keywords`,
          { keywords: null },
          bob.auth,
        ),
        404,
      );

      const customer = freshNumber();
      await sendTo(gateway, custom, customer);
      assert.equal(
        (await reply(gateway, customer, 'STOP')).keyword,
        null,
        'STOP is no keyword of this account',
      );
      await sendTo(gateway, custom, customer);
      assert.equal((await reply(gateway, customer, 'Halt!')).keyword, 'stop');
      await assertRefused(gateway, store, custom.auth, customer);
      assert.equal((await reply(gateway, customer, 'START')).keyword, null);
      await assertRefused(gateway, store, custom.auth, customer);
      assert.equal((await reply(gateway, customer, 'resume')).keyword, 'start');
      await sendTo(gateway, custom, customer);

      // Alice keeps the defaults: HALT means nothing to her, STOP does.
      const other = freshNumber();
      await sendTo(gateway, alice, other);
      assert.equal((await reply(gateway, other, 'HALT')).keyword, null);
      assert.equal((await reply(gateway, other, 'STOP')).keyword, 'stop');

      // Back to the defaults.
      const reset = await request(
        gateway,
        'PUT',
        `/v1/accounts/${custom.accountId}/opt-out-keywords`,
        { keywords: null },
        custom.auth,
      );
      assert.equal(reset.statusCode, 200, reset.body);
      assert.equal(reset.json().custom, false);
      assert.equal((await reply(gateway, customer, 'HALT')).keyword, null);
      assert.equal((await reply(gateway, customer, 'STOP')).keyword, 'stop');
      await assertRefused(gateway, store, custom.auth, customer);
    });

    it('opt-outs survive a restart of the gateway; START after it lifts them', async () => {
      const byKeyword = freshNumber();
      const byApi = freshNumber();
      await sendTo(gateway, alice, byKeyword);
      assert.equal((await reply(gateway, byKeyword, 'STOP')).keyword, 'stop');
      const added = await request(gateway, 'POST', '/v1/opt-outs', { number: byApi }, alice.auth);
      assert.equal(added.statusCode, 201, added.body);

      await gateway.stop(false);
      gateway = await startInboundGateway(store);

      await assertRefused(gateway, store, alice.auth, byKeyword);
      await assertRefused(gateway, store, alice.auth, byApi);
      const list = await optOutList(gateway, alice);
      assert.ok(list.includes(byKeyword) && list.includes(byApi));
      // Bob may still send (from another sender, so the START below still answers Alice).
      await sendOk(gateway, { to: byKeyword, text: 'from bob', from: OTHER_SENDER }, bob.auth);

      const start = await reply(gateway, byKeyword, 'START');
      assert.equal(start.keyword, 'start');
      assert.equal(start.accountId, alice.accountId);
      await sendTo(gateway, alice, byKeyword);
      await assertRefused(gateway, store, alice.auth, byApi);
    });
  },
  describe,
);

await describeEachDatabase(
  'opt-out keywords turned off (optOut.enabled: false)',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startInboundGateway(store, { optOut: { enabled: false } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('STOP is stored as a plain reply and opts out of nothing; API opt-outs still apply', async () => {
      const account = await createAccount(store);
      const customer = freshNumber();
      const id = await sendTo(gateway, account, customer);
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'STOP' });
      const row = await onlyInboundFrom(gateway, customer);
      assert.equal(row.keyword, null);
      assert.equal(row.accountId, account.accountId);
      assert.equal(row.inReplyTo, id);
      assert.deepEqual(await optOutList(gateway, account), []);
      await sendTo(gateway, account, customer);

      const blocked = freshNumber();
      const added = await request(gateway, 'POST', '/v1/opt-outs', { number: blocked }, account.auth);
      assert.equal(added.statusCode, 201, added.body);
      await assertRefused(gateway, store, account.auth, blocked);
    });
  },
  describe,
);
