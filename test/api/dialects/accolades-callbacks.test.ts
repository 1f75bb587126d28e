// Seed 003's status notification end to end over real sockets: an application POSTs
// `/<accountNumber>/sms/send` with `sendResultTo` (fetch, as a client does: urlencoded and
// multipart), the message goes through the sim, and the receiver gets exactly `apiName=sms`,
// `type=deliveryReport`, `status=sent|error`, `id` and (on error) `errorMessage` — for a delivered
// and a failed message, after the receiver was down for a while WITH THE SHIPPED RETRY DEFAULTS, and
// after a dead letter is replayed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { findHistory } from '../../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { startTestGateway, waitFor } from '../../helpers/gateway.js';
import { scaledWebhookTimings } from '../../helpers/scaled-timings.js';
import {
  eventsOf,
  type ReceivedRequest,
  WebhookReceiver,
  waitForFinal,
} from '../../helpers/webhook-receiver.js';
import { type AccoladesAccount, OK_BODY, provisionAccolades } from './accolades-support.js';

const FORM = 'application/x-www-form-urlencoded';

/** POSTs the form over a real socket, as an application does; returns the smsgate message id. */
async function postSend(
  gateway: Gateway,
  caller: AccoladesAccount,
  fields: Record<string, string>,
  multipart = false,
) {
  const all = { password: caller.password, ...fields };
  let body: URLSearchParams | FormData;
  if (multipart) {
    body = new FormData();
    for (const [name, value] of Object.entries(all)) body.append(name, value);
  } else {
    body = new URLSearchParams(all);
  }
  const response = await fetch(`${gateway.url}/${caller.accountNumber}/sms/send`, { method: 'POST', body });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.equal(text, OK_BODY);
  const id = response.headers.get('smsgate-message-id');
  assert.ok(id);
  return id;
}

/** Asserts one notification is exactly the seed's parameters, in the seed's order, and nothing else. */
function assertReport(request: ReceivedRequest, expected: Record<string, string>): void {
  assert.equal(request.method, 'POST');
  assert.equal(request.headers['content-type'], FORM);
  const form = new URLSearchParams(request.body);
  assert.deepEqual([...form.entries()], Object.entries(expected));
  assert.equal(request.body, new URLSearchParams(expected).toString());
}

await describeEachDatabase(
  'accolades deliveryReport over real sockets, shipped retry defaults',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let caller: AccoladesAccount;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      // Only what a receiver on 127.0.0.1 needs; every webhook timing is the shipped default.
      gateway = await startTestGateway(store, {
        listen: true,
        config: { webhooks: { allowPrivateAddresses: true } },
      });
      caller = await provisionAccolades(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('a delivered message: one report, status=sent with the request’s messageId', async () => {
      const id = await postSend(gateway, caller, {
        phoneNumber: '+447911123456',
        message: 'delivered one',
        sendResultTo: receiver.url('/report/delivered'),
        messageId: 'crm-delivered-1',
      });
      await waitForFinal(store, [id]);
      const [report] = await receiver.waitForRequests(1, (r) => r.path === '/report/delivered');
      assertReport(report!, {
        apiName: 'sms',
        type: 'deliveryReport',
        status: 'sent',
        id: 'crm-delivered-1',
      });
      // The later `delivered` receipt is not a second notification (the seed has none for it).
      await waitFor(async () =>
        (await eventsOf(store, [id])).every((e) => e.state !== 'pending') ? true : undefined,
      );
      assert.equal(receiver.to('/report/delivered').length, 1);
    });

    it('a failed message (multipart request): status=error with the error’s description', async () => {
      const id = await postSend(
        gateway,
        caller,
        {
          phoneNumber: '+447911120001',
          message: 'rejected one',
          sendResultTo: receiver.url('/report/failed'),
          messageId: 'crm-failed-1',
        },
        true,
      );
      await waitForFinal(store, [id]);
      const [report] = await receiver.waitForRequests(1, (r) => r.path === '/report/failed');
      const history = await findHistory(store, id);
      assert.equal(history.at(-1)?.status, 'rejected');
      const errorMessage = history.at(-1)?.detail ?? '';
      assert.ok(errorMessage.length > 0);
      assertReport(report!, {
        apiName: 'sms',
        type: 'deliveryReport',
        status: 'error',
        id: 'crm-failed-1',
        errorMessage,
      });
    });

    it('without messageId the report still comes, with an empty id', async () => {
      const id = await postSend(gateway, caller, {
        phoneNumber: '+447911123457',
        message: 'no id',
        sendResultTo: receiver.url('/report/no-id'),
      });
      await waitForFinal(store, [id]);
      const [report] = await receiver.waitForRequests(1, (r) => r.path === '/report/no-id');
      assertReport(report!, { apiName: 'sms', type: 'deliveryReport', status: 'sent', id: '' });
    });

    it('a receiver down for a while gets both reports once it is back (default back-off)', async () => {
      await receiver.close();
      const delivered = await postSend(gateway, caller, {
        phoneNumber: '+447911123458',
        message: 'during the outage',
        sendResultTo: receiver.url('/report/outage'),
        messageId: 'outage-sent',
      });
      const failed = await postSend(gateway, caller, {
        phoneNumber: '+447911120001',
        message: 'rejected during the outage',
        sendResultTo: receiver.url('/report/outage'),
        messageId: 'outage-error',
      });
      await waitForFinal(store, [delivered, failed]);
      // Down long enough for the destination to have backed off and a probe (after ~1 s) to have
      // failed too: at most two first attempts were in flight together, so a third is a probe.
      await waitFor(
        async () => {
          const attempts = (await eventsOf(store, [delivered, failed])).reduce((n, e) => n + e.attempts, 0);
          return attempts >= 3 ? true : undefined;
        },
        20_000,
        'three failed delivery attempts while the receiver is down',
      );
      // Both reports wait (each message's first one has been refused at least once or waits behind it).
      const reports0 = (await eventsOf(store, [delivered, failed])).filter(
        (e) => e.status === 'sent' || e.status === 'rejected',
      );
      assert.deepEqual(
        reports0.map((e) => e.state),
        ['pending', 'pending'],
      );
      assert.ok(reports0.some((e) => e.attempts >= 1 && e.last_error !== null));
      assert.equal(receiver.to('/report/outage').length, 0);

      await receiver.reopen();
      const reports = await receiver.waitForRequests(2, (r) => r.path === '/report/outage', 40_000);
      const byId = new Map(reports.map((r) => [new URLSearchParams(r.body).get('id'), r]));
      assertReport(byId.get('outage-sent')!, {
        apiName: 'sms',
        type: 'deliveryReport',
        status: 'sent',
        id: 'outage-sent',
      });
      const errorMessage = (await findHistory(store, failed)).at(-1)?.detail ?? '';
      assertReport(byId.get('outage-error')!, {
        apiName: 'sms',
        type: 'deliveryReport',
        status: 'error',
        id: 'outage-error',
        errorMessage,
      });
      const settled = await waitFor(async () => {
        const rows = await eventsOf(store, [delivered, failed]);
        return rows.every((e) => e.state !== 'pending') ? rows : undefined;
      });
      assert.deepEqual(
        settled
          .filter((e) => e.state === 'delivered')
          .map((e) => e.message_id)
          .sort(),
        [delivered, failed].sort(),
      );
      assert.equal(receiver.to('/report/outage').length, 2, 'each report once');
    });
  },
  describe,
);

await describeEachDatabase(
  'accolades deliveryReport: dead letter and replay',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let caller: AccoladesAccount;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(500);
      // The shipped back-off scaled down as a whole (a day of retries becomes 4 s), same shape.
      gateway = await startTestGateway(store, {
        listen: true,
        config: { webhooks: { allowPrivateAddresses: true, ...scaledWebhookTimings(1 / 20_000) } },
      });
      caller = await provisionAccolades(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('a report the receiver kept refusing becomes dead, and a replay delivers the same body', async () => {
      const id = await postSend(gateway, caller, {
        phoneNumber: '+447911123459',
        message: 'dead then replayed',
        sendResultTo: receiver.url('/report/dead'),
        messageId: 'dead-1',
      });
      const dead = await waitFor(
        async () => (await eventsOf(store, [id])).find((e) => e.status === 'sent' && e.state === 'dead'),
        30_000,
        'the sent report dead-lettered',
      );
      const refusals = receiver.to('/report/dead');
      assert.ok(refusals.length >= 1);
      receiver.answer(200);
      const replay = await gateway.http.inject({
        method: 'POST',
        url: `/v1/events/${dead.id}/replay`,
        headers: { authorization: `Bearer ${caller.apiKey}` },
      });
      assert.equal(replay.statusCode, 200, replay.body);
      const delivered = await receiver.waitForRequests(
        1,
        (r) => r.path === '/report/dead' && r.answered === 200,
      );
      assertReport(delivered[0]!, { apiName: 'sms', type: 'deliveryReport', status: 'sent', id: 'dead-1' });
      assert.equal(delivered[0]!.headers['smsgate-event-id'], dead.id, 'the same event, replayed');
      assert.equal(delivered[0]!.body, refusals[0]!.body);
    });
  },
  describe,
);
