// The official `twilio` npm package — a client we did not write — against the gateway over a real
// socket, its `client.api.baseUrl` pointed at us (the documented override of the domain's base
// URL): it sends, fetches and lists messages, reads our errors as RestExceptions with Twilio's codes
// (21211, 21610, 20003), and `twilio.validateRequest` accepts our signed status callbacks and
// inbound posts (with STOP as Twilio reports it). Shipped webhook timings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../../helpers/gateway.js';
import { type ReceivedRequest, WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { provisionTwilio, type TwilioAccount } from './twilio-support.js';

const SENDER = '+447911000001';

/** A Twilio client of the library, talking to the gateway instead of api.twilio.com. */
function clientOf(gateway: Gateway, caller: { accountSid: string; authToken: string }) {
  const client = twilio(caller.accountSid, caller.authToken);
  client.api.baseUrl = gateway.url;
  return client;
}

/** The form fields of a received callback. */
function formOf(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request.body));
}

/** The RestException a library call rejected with. */
async function restError(call: Promise<unknown>): Promise<{ code: number; status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; status: number; message: string };
  }
  assert.fail('the call succeeded');
}

await describeEachDatabase(
  'twilio npm package against the Twilio dialect',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let caller: TwilioAccount;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, {
        listen: true,
        config: { webhooks: { allowPrivateAddresses: true } },
      });
      caller = await provisionTwilio(gateway);
      const number = await gateway.http.inject({
        method: 'PUT',
        url: `/v1/numbers/${encodeURIComponent(SENDER)}`,
        headers: ADMIN_AUTH,
        payload: { accountId: caller.accountId },
      });
      assert.equal(number.statusCode, 200, number.body);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('messages.create answers Twilio’s message resource; fetch reads it back delivered', async () => {
      const client = clientOf(gateway, caller);
      const message = await client.messages.create({ to: '+447911123456', from: SENDER, body: 'hello' });
      assert.match(message.sid, /^SM[0-9a-f]{32}$/);
      assert.equal(message.accountSid, caller.accountSid);
      assert.equal(message.status, 'queued');
      assert.equal(message.to, '+447911123456');
      assert.equal(message.from, SENDER);
      assert.equal(message.body, 'hello');
      assert.equal(message.numSegments, '1');
      assert.equal(message.direction, 'outbound-api');
      assert.ok(message.dateCreated instanceof Date && !Number.isNaN(message.dateCreated.getTime()));
      assert.equal(message.uri, `/2010-04-01/Accounts/${caller.accountSid}/Messages/${message.sid}.json`);
      const delivered = await waitFor(async () => {
        const fetched = await client.messages(message.sid).fetch();
        return fetched.status === 'delivered' ? fetched : undefined;
      });
      assert.equal(delivered.sid, message.sid);
      assert.ok(delivered.dateSent instanceof Date);
      assert.equal(delivered.errorCode, null);
    });

    it('messages.list pages through the account’s messages, newest first, following next_page_uri', async () => {
      const other = await provisionTwilio(gateway);
      const client = clientOf(gateway, other);
      const sids: string[] = [];
      for (let i = 0; i < 5; i++) {
        // Not SENDER: that number is the first account's, and another account may not send from it.
        sids.push(
          (await client.messages.create({ to: `+44791112${3450 + i}`, from: '+447911000002', body: `n${i}` }))
            .sid,
        );
      }
      const listed = await client.messages.list({ pageSize: 2 });
      assert.deepEqual(
        listed.map((m) => m.sid),
        [...sids].reverse(),
      );
      const page = await client.messages.page({ pageSize: 2 });
      assert.equal(page.instances.length, 2);
      assert.ok(page.nextPageUrl?.startsWith(gateway.url));
      const filtered = await client.messages.list({ to: '+447911123452' });
      assert.deepEqual(
        filtered.map((m) => m.sid),
        [sids[2]],
      );
    });

    it('errors reach the library as RestExceptions with Twilio’s codes', async () => {
      const client = clientOf(gateway, caller);
      const stranger = await provisionTwilio(gateway);
      const notOurs = await restError(
        clientOf(gateway, stranger).messages.create({ to: '+447911123456', from: SENDER, body: 'x' }),
      );
      assert.equal(notOurs.code, 21606);
      assert.equal(notOurs.status, 400);
      const badTo = await restError(client.messages.create({ to: 'nonsense', from: SENDER, body: 'x' }));
      assert.equal(badTo.code, 21211);
      assert.equal(badTo.status, 400);
      const wrong = await restError(
        clientOf(gateway, { accountSid: caller.accountSid, authToken: 'f'.repeat(32) }).messages.list(),
      );
      assert.equal(wrong.code, 20003);
      assert.equal(wrong.status, 401);
      const missing = await restError(client.messages(`SM${'0'.repeat(32)}`).fetch());
      assert.equal(missing.code, 20404);
      assert.equal(missing.status, 404);
    });

    it('status callbacks are signed form posts validateRequest accepts, one per status, with ErrorCode on failure', async () => {
      const client = clientOf(gateway, caller);
      const url = receiver.url('/status?app=1');
      const ok = await client.messages.create({
        to: '+447911124567',
        from: SENDER,
        body: 'cb',
        statusCallback: url,
      });
      // The sim's suffix 0000 is a handset that never gets it: undelivered.
      const lost = await client.messages.create({
        to: '+447911120000',
        from: SENDER,
        body: 'cb',
        statusCallback: url,
      });
      const forSid = (sid: string) => (r: ReceivedRequest) => formOf(r).MessageSid === sid;
      const final = (status: string) => (r: ReceivedRequest) => formOf(r).MessageStatus === status;
      await receiver.waitForRequests(1, (r) => forSid(ok.sid)(r) && final('delivered')(r));
      await receiver.waitForRequests(1, (r) => forSid(lost.sid)(r) && final('undelivered')(r));
      for (const request of receiver.to('/status?app=1')) {
        assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
        const params = formOf(request);
        const signature = String(request.headers['x-twilio-signature']);
        assert.ok(twilio.validateRequest(caller.authToken, signature, url, params), request.body);
        assert.equal(twilio.validateRequest('0'.repeat(32), signature, url, params), false);
        assert.equal(params.AccountSid, caller.accountSid);
        assert.equal(params.ApiVersion, '2010-04-01');
        assert.equal(params.From, SENDER);
        assert.equal(params.SmsSid, params.MessageSid);
      }
      const statuses = (sid: string) =>
        receiver
          .to('/status?app=1')
          .filter(forSid(sid))
          .map((r) => formOf(r).MessageStatus);
      assert.deepEqual(statuses(ok.sid).slice(-2), ['sent', 'delivered']);
      const lastLost = receiver.to('/status?app=1').filter(forSid(lost.sid)).at(-1)!;
      assert.equal(formOf(lastLost).ErrorCode, '30003');
      assert.equal(formOf(lastLost).To, '+447911120000');
    });

    it('inbound messages arrive in Twilio’s form, signed; STOP opts out and the next send is 21610', async () => {
      const settings = await gateway.http.inject({
        method: 'PUT',
        url: `/v1/accounts/${caller.accountId}/webhooks`,
        headers: ADMIN_AUTH,
        payload: { inboundUrl: receiver.url('/sms'), inboundFormat: 'twilio' },
      });
      assert.equal(settings.statusCode, 200, settings.body);
      assert.equal(settings.json().inboundFormat, 'twilio');
      const simulate = async (from: string, text: string) => {
        const response = await gateway.http.inject({
          method: 'POST',
          url: '/v1/connectors/sim/inbound',
          headers: ADMIN_AUTH,
          payload: { from, to: SENDER, text },
        });
        assert.equal(response.statusCode, 202, response.body);
      };
      await simulate('+447911125555', 'hello there');
      await simulate('+447911125556', 'STOP');
      // Two senders are two conversations: their webhooks are ordered each on its own, not
      // against each other, so they are told apart by what they carry.
      const requests = await receiver.waitForRequests(2, (r) => r.path === '/sms');
      const hello = requests.find((r) => formOf(r).From === '+447911125555');
      const stop = requests.find((r) => formOf(r).From === '+447911125556');
      assert.ok(hello && stop, 'one inbound webhook from each sender');
      for (const request of [hello, stop]) {
        const params = formOf(request);
        assert.ok(
          twilio.validateRequest(
            caller.authToken,
            String(request.headers['x-twilio-signature']),
            receiver.url('/sms'),
            params,
          ),
        );
        assert.equal(params.AccountSid, caller.accountSid);
        assert.equal(params.To, SENDER);
        assert.match(params.MessageSid ?? '', /^SM[0-9a-f]{32}$/);
        assert.equal(params.SmsStatus, 'received');
      }
      assert.equal(formOf(hello).Body, 'hello there');
      assert.equal(formOf(hello).OptOutType, undefined);
      assert.equal(formOf(stop).Body, 'STOP');
      assert.equal(formOf(stop).OptOutType, 'STOP');
      const optedOut = await restError(
        clientOf(gateway, caller).messages.create({ to: '+447911125556', from: SENDER, body: 'again?' }),
      );
      assert.equal(optedOut.code, 21610);
      assert.equal(optedOut.status, 400);
    });
  },
  describe,
);
