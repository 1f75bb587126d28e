// Seed 003 ("accolades") status notifications through the real outbox and a real receiver: one
// form-encoded deliveryReport per message once sending has finished (sent, or error when the message
// never reached the carrier); the events it has nothing to say about are `skipped`, not sent.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Gateway } from '../../src/gateway.js';
import { findHistory } from '../../src/store/queries/messages-read.js';
import { accoladesFormat } from '../../src/webhooks/formats/accolades-format.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  createClientAccount,
  deliverableNumbers,
  WebhookReceiver,
  waitForEventsSettled,
} from '../helpers/webhook-receiver.js';

type Verify = (secret: string, rawBody: string, headers: Record<string, unknown>) => boolean;
const { verifySmsgateWebhook } = (await import(
  pathToFileURL(resolve('docs/examples/verify-webhook.mjs')).href
)) as {
  verifySmsgateWebhook: Verify;
};

const FORM = 'application/x-www-form-urlencoded';

await describeEachDatabase(
  'accolades (seed 003) status notifications',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let accountId: string;
    let secret: string;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, {
        config: { webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS } },
      });
      ({ accountId, secret } = await createClientAccount(gateway, 'accolades'));
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    const principal = () => ({ accountId, role: 'client' as const, keyId: 'test' });

    /** Accepts one message through the message service (as the form API does) with the accolades format. */
    async function acceptAccolades(to: string, clientRef: string, path: string): Promise<string> {
      const outcome = await gateway.messages.send(principal(), {
        to: [to],
        text: `accolades ${clientRef}`,
        callbackUrl: receiver.url(path),
        clientRef,
        callbackFormat: 'accolades',
      });
      const [sent] = outcome.sends;
      assert.equal(sent?.messages.length, 1);
      return sent!.messages[0]!.id;
    }

    it('a delivered message: exactly one POST apiName=sms&type=deliveryReport&status=sent&id=<clientRef>, none for delivered', async () => {
      const id = await acceptAccolades(deliverableNumbers(1, 70)[0]!, 'abc', '/abc');
      const events = await waitForEventsSettled(store, [id]);
      assert.deepEqual(
        events.map((e) => [e.status, e.format, e.state]),
        [
          ['sent', 'accolades', 'delivered'],
          ['delivered', 'accolades', 'skipped'],
        ],
      );
      const requests = receiver.to('/abc');
      assert.equal(requests.length, 1, 'one notification, not one per status');
      const [request] = requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.headers['content-type'], FORM);
      assert.equal(request!.body, 'apiName=sms&type=deliveryReport&status=sent&id=abc');
      assert.equal(request!.headers['smsgate-event-id'], events[0]!.id);
      assert.ok(
        verifySmsgateWebhook(secret, request!.body, request!.headers),
        'signed like native deliveries',
      );
    });

    it('a rejected message (never sent): one POST with status=error and errorMessage', async () => {
      const id = await acceptAccolades('+447911270001', 'rej-1', '/rejected');
      const events = await waitForEventsSettled(store, [id]);
      const history = await findHistory(store, id);
      // The sim rejects 0001 at submission: it is rejected without ever being sent.
      assert.deepEqual(
        history.map((h) => h.status),
        ['queued', 'sending', 'rejected'],
      );
      assert.deepEqual(
        events.map((e) => [e.status, e.state]),
        [['rejected', 'delivered']],
      );
      const requests = receiver.to('/rejected');
      assert.equal(requests.length, 1);
      assert.equal(requests[0]!.headers['content-type'], FORM);
      const form = new URLSearchParams(requests[0]!.body);
      assert.deepEqual([...form.keys()], ['apiName', 'type', 'status', 'id', 'errorMessage']);
      assert.equal(form.get('apiName'), 'sms');
      assert.equal(form.get('type'), 'deliveryReport');
      assert.equal(form.get('status'), 'error');
      assert.equal(form.get('id'), 'rej-1');
      assert.equal(form.get('errorMessage'), history.at(-1)!.detail);
      assert.match(form.get('errorMessage') ?? '', /rejection/);
    });

    it('sent then undelivered or expired: only status=sent is notified; the final receipt is skipped', async () => {
      const undelivered = await acceptAccolades('+447911270000', 'und-1', '/undelivered');
      const expired = await acceptAccolades('+447911270002', 'exp-1', '/expired');
      for (const [id, path, final, ref] of [
        [undelivered, '/undelivered', 'undelivered', 'und-1'],
        [expired, '/expired', 'expired', 'exp-1'],
      ] as const) {
        const events = await waitForEventsSettled(store, [id]);
        assert.deepEqual(
          events.map((e) => [e.status, e.state]),
          [
            ['sent', 'delivered'],
            [final, 'skipped'],
          ],
        );
        assert.deepEqual(
          receiver.to(path).map((r) => r.body),
          [`apiName=sms&type=deliveryReport&status=sent&id=${ref}`],
        );
      }
    });

    it('a throttled then delivered message: the retries (queued) are skipped, sent is notified once', async () => {
      const id = await acceptAccolades('+447911270003', 'thr-1', '/throttled');
      const events = await waitForEventsSettled(store, [id]);
      assert.deepEqual(
        events.map((e) => [e.status, e.state]),
        [
          ['queued', 'skipped'],
          ['queued', 'skipped'],
          ['sent', 'delivered'],
          ['delivered', 'skipped'],
        ],
      );
      assert.deepEqual(
        receiver.to('/throttled').map((r) => r.body),
        ['apiName=sms&type=deliveryReport&status=sent&id=thr-1'],
      );
    });

    it('several recipients of one accepted send each get their own notification, with the shared clientRef', async () => {
      const numbers = deliverableNumbers(3, 71);
      const outcome = await gateway.messages.send(principal(), {
        to: numbers,
        text: 'accolades batch',
        callbackUrl: receiver.url('/batch'),
        clientRef: 'batch-7',
        callbackFormat: 'accolades',
      });
      const ids = outcome.sends[0]!.messages.map((m) => m.id);
      const events = await waitForEventsSettled(store, ids);
      assert.equal(events.filter((e) => e.state === 'delivered').length, 3);
      assert.equal(events.filter((e) => e.state === 'skipped').length, 3);
      const bodies = receiver.to('/batch').map((r) => r.body);
      assert.deepEqual(bodies, Array(3).fill('apiName=sms&type=deliveryReport&status=sent&id=batch-7'));
      assert.equal(new Set(receiver.to('/batch').map((r) => r.headers['smsgate-event-id'])).size, 3);
    });
  },
  describe,
);

describe('accolades payload format edge', () => {
  // A final receipt stamped in the same millisecond as the submission (or earlier: an early SMPP
  // receipt waits for its submit_sm_resp and keeps its arrival time) must not be reported as
  // status=error after status=sent was already notified.
  it('an undelivered receipt stamped in the same millisecond as sentAt is not reported as an error', () => {
    const at = Date.UTC(2026, 10, 22, 9, 0, 0);
    const payload = accoladesFormat(
      {
        event: {
          seq: 1,
          id: 'evt_1',
          account_id: 'acc_1',
          type: 'message.status',
          message_id: 'msg_1',
          inbound_id: null,
          order_key: 'msg_1',
          status: 'undelivered',
          code: 'stat:UNDELIV err:001',
          detail: null,
          at,
          url: 'http://127.0.0.1/x',
          format: 'accolades',
          state: 'pending',
          attempts: 0,
          next_attempt_at: at,
          pending_since: at,
          last_error: null,
          delivered_at: null,
          created_at: at,
        },
        secret: null,
        message: {
          id: 'msg_1',
          to: '+447911123456',
          from: null,
          clientRef: 'abc',
          segments: 1,
          connector: 'sim',
          upstreamId: null,
          textStart: 'Hello',
          createdAt: at - 100,
          sentAt: at,
          metadata: null,
        },
        inbound: null,
      },
      { url: 'http://127.0.0.1/x', argument: '', signingCredential: null },
    );
    assert.equal(payload, null, `sent at the same instant, so nothing more to report: ${payload?.body}`);
  });
});
