/**
 * Inbound messages end to end over SMPP: a gateway with an `smpp` connector bound (transceiver) to
 * the SMSC simulator, which delivers mobile-originated replies as deliver_sm — single and
 * concatenated (UDH) — that the gateway stores, correlates, and reads STOP from.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { COMMAND_STATUS } from '../../src/smpp/command-status.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import { assertError, createAccount, sendMessages, sendOk } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { waitFor } from '../helpers/gateway.js';
import {
  countMessages,
  freshNumber,
  inboundFrom,
  onlyInboundFrom,
  optedOutNumbers,
  request,
  SENDER,
  SHORT_CODE,
  startInboundGateway,
  WebhookReceiver,
} from './support.js';

const OK = [COMMAND_STATUS.ESME_ROK];

await describeEachDatabase(
  'inbound messages over SMPP from the SMSC simulator',
  (db) => {
    let store: TestStore;
    let simulator: SmscSimulator;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let account: Awaited<ReturnType<typeof createAccount>>;

    before(async () => {
      simulator = new SmscSimulator({ receiptDelayMs: 5 });
      const port = await simulator.start(0);
      store = await db.open();
      receiver = await new WebhookReceiver().start();
      gateway = await startInboundGateway(store, {
        connectors: [
          {
            name: 'smsc',
            type: 'smpp',
            host: '127.0.0.1',
            port,
            systemId: 'smsgate',
            password: 'secret',
            bindMode: 'transceiver',
            binds: 1,
            responseTimeoutSeconds: 2,
            reconnectMinSeconds: 0.05,
            reconnectMaxSeconds: 0.5,
            submitIdFormat: 'hex',
            receiptIdFormat: 'hex',
          },
        ],
      });
      await waitFor(
        () =>
          gateway.connectors.get('smsc')!.status().state === 'up' &&
          simulator.boundSessions.some((s) => s.state === 'bound_trx')
            ? true
            : undefined,
        10_000,
        'the transceiver bind',
      );
      account = await createAccount(store);
      const put = await request(
        gateway,
        'PUT',
        `/v1/accounts/${account.accountId}/webhooks`,
        { inboundUrl: `${receiver.url}/smpp-in` },
        account.auth,
      );
      assert.equal(put.statusCode, 200, put.body);
    });
    after(async () => {
      await gateway?.stop(false);
      await simulator?.stop();
      await receiver?.stop();
      await store?.destroy();
    });

    /** Sends through the SMSC and waits until the simulator has the submit_sm. */
    async function sendThroughSmsc(to: string, from: string, extra: Record<string, unknown> = {}) {
      const [accepted] = await sendOk(
        gateway,
        { to, text: 'Shall we book it?', from, ...extra },
        account.auth,
      );
      await waitFor(
        () => (simulator.submits.some((s) => s.destinationAddr === to.slice(1)) ? true : undefined),
        10_000,
        `the submit_sm to ${to}`,
      );
      return accepted!.id;
    }

    it('an MO reply (deliver_sm) is stored, correlated, marks the message replied and reaches the webhook', async () => {
      const customer = freshNumber();
      const id = await sendThroughSmsc(customer, SENDER, { replyRequired: true, clientRef: 'booking-1' });
      const result = await simulator.sendMo({ from: customer, to: SENDER, text: 'Yes, book it' });
      // Acknowledged only once stored: the row is there when deliver_sm_resp has come back.
      assert.deepEqual(result.statuses, OK);
      const row = await onlyInboundFrom(gateway, customer);
      assert.equal(row.connector, 'smsc');
      assert.equal(row.from, customer);
      assert.equal(row.to, SENDER);
      assert.equal(row.text, 'Yes, book it');
      assert.equal(row.inReplyTo, id);
      assert.equal(row.accountId, account.accountId);
      assert.equal(row.keyword, null);

      const message = await request(gateway, 'GET', `/v1/messages/${id}`, undefined, account.auth);
      assert.equal(message.json().awaitingReply, false);
      assert.equal(message.json().repliedAt, row.receivedAt);

      const hook = await receiver.eventFor(row.id);
      assert.equal(hook.body.data.inReplyTo, id);
      assert.equal(hook.body.data.inReplyToClientRef, 'booking-1');
      assert.equal(hook.body.data.connector, 'smsc');
    });

    it('an MO to a short code answers the message sent from that short code', async () => {
      const customer = freshNumber();
      const id = await sendThroughSmsc(customer, SHORT_CODE);
      assert.deepEqual((await simulator.sendMo({ from: customer, to: SHORT_CODE, text: 'ok' })).statuses, OK);
      const row = await onlyInboundFrom(gateway, customer);
      assert.equal(row.inReplyTo, id);
      assert.equal(row.accountId, account.accountId);
    });

    it('an MO "STOP" opts the number out: the next send is refused; "start" lifts it', async () => {
      const customer = freshNumber();
      await sendThroughSmsc(customer, SENDER);
      assert.deepEqual((await simulator.sendMo({ from: customer, to: SENDER, text: 'STOP' })).statuses, OK);
      const stop = await onlyInboundFrom(gateway, customer);
      assert.equal(stop.keyword, 'stop');
      assert.equal(stop.accountId, account.accountId);
      assert.ok((await optedOutNumbers(gateway, account.auth)).data.some((o) => o.number === customer));
      const before = await countMessages(store);
      assertError(
        await sendMessages(gateway, { to: customer, text: 'again', from: SENDER }, account.auth),
        400,
        {
          code: 'recipient_opted_out',
          field: 'to',
        },
      );
      assert.equal(await countMessages(store), before);

      assert.deepEqual((await simulator.sendMo({ from: customer, to: SENDER, text: 'start' })).statuses, OK);
      assert.equal((await inboundFrom(gateway, customer))[0]!.keyword, 'start');
      await sendThroughSmsc(customer, SENDER);
    });

    it('a concatenated (UDH) GSM reply in three parts is stored once, reassembled', async () => {
      const customer = freshNumber();
      const id = await sendThroughSmsc(customer, SENDER);
      const text = `${'Thanks for the offer, I will take the 3 € one. '.repeat(8)}Bye`;
      const result = await simulator.sendMo({ from: customer, to: SENDER, text, parts: 3 });
      assert.deepEqual(result.statuses, [0, 0, 0]);
      assert.notEqual(result.reference, undefined);
      const row = await onlyInboundFrom(gateway, customer);
      assert.equal(row.text, text);
      assert.equal(row.inReplyTo, id);
      assert.equal(row.accountId, account.accountId);
      const parts = await store.db.selectFrom('inbound_parts').selectAll().execute();
      assert.deepEqual(parts, [], 'no parts left waiting');
    });

    it('a concatenated UCS-2 reply with a 16-bit reference is reassembled, emoji intact', async () => {
      const customer = freshNumber();
      await sendThroughSmsc(customer, SENDER);
      const text = 'Merci beaucoup 👍 — à demain! '.repeat(4);
      const result = await simulator.sendMo({
        from: customer,
        to: SENDER,
        text,
        encoding: 'ucs2',
        parts: 2,
        refBits: 16,
        reference: 0xbeef,
      });
      assert.deepEqual(result.statuses, [0, 0]);
      const row = await onlyInboundFrom(gateway, customer);
      assert.equal(row.text, text);
      assert.equal(row.accountId, account.accountId);
    });

    it('two concatenated replies from one number with the same reference do not mix', async () => {
      const customer = freshNumber();
      await sendThroughSmsc(customer, SENDER);
      const first = 'a'.repeat(200);
      const second = 'b'.repeat(200);
      assert.deepEqual(
        (await simulator.sendMo({ from: customer, to: SENDER, text: first, parts: 2, reference: 42 }))
          .statuses,
        [0, 0],
      );
      assert.deepEqual(
        (await simulator.sendMo({ from: customer, to: SENDER, text: second, parts: 2, reference: 42 }))
          .statuses,
        [0, 0],
      );
      const rows = await inboundFrom(gateway, customer);
      assert.deepEqual(
        rows.map((r) => r.text),
        [second, first],
      );
    });

    it('POST /v1/connectors/smsc/inbound refuses with 409 not_simulated (a real upstream)', async () => {
      const from = freshNumber();
      assertError(
        await request(gateway, 'POST', '/v1/connectors/smsc/inbound', { from, to: SENDER, text: 'hi' }),
        409,
        { code: 'not_simulated' },
      );
      assertError(
        await request(gateway, 'POST', '/v1/connectors/sim/inbound', { from, to: SENDER, text: 'hi' }),
        404,
        {},
      );
      assert.deepEqual(await inboundFrom(gateway, from), []);
    });
  },
  describe,
);
