// Signed deliveries checked with the documented snippet (docs/examples/verify-webhook.mjs) itself,
// against real requests; and the snippet in docs/webhooks.md is that file, verbatim.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Gateway } from '../../src/gateway.js';
import { signPayload } from '../../src/webhooks/signing.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  createClientAccount,
  deliverableNumbers,
  type ReceivedRequest,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
} from '../helpers/webhook-receiver.js';

const SNIPPET_PATH = resolve('docs/examples/verify-webhook.mjs');

type Verify = (
  secret: string,
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  toleranceSeconds?: number,
) => boolean;

// The documented file, imported as a receiver would (a plain ES module, no types).
const snippet = (await import(pathToFileURL(SNIPPET_PATH).href)) as { verifySmsgateWebhook: Verify };
const verify = snippet.verifySmsgateWebhook;

describe('the documented verification snippet', () => {
  it('docs/webhooks.md contains docs/examples/verify-webhook.mjs verbatim', () => {
    const file = readFileSync(SNIPPET_PATH, 'utf8');
    const doc = readFileSync(resolve('docs/webhooks.md'), 'utf8');
    assert.ok(file.includes('export function verifySmsgateWebhook('), 'the snippet exports the function');
    assert.ok(doc.includes(file), 'docs/webhooks.md shows the snippet file exactly as it is');
  });
});

await describeEachDatabase(
  'signed webhook deliveries',
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

    /** Sends one message with a callback to `path` and returns the requests of its settled events. */
    async function deliveredRequests(auth: Record<string, string>, path: string): Promise<ReceivedRequest[]> {
      const [id] = await sendMessages(
        gateway,
        { to: deliverableNumbers(1, 23), text: 'signed', callbackUrl: receiver.url(path) },
        auth,
      );
      const events = await waitForEventsSettled(store, [id!]);
      assert.deepEqual(
        events.map((e) => [e.status, e.state]),
        [
          ['sent', 'delivered'],
          ['delivered', 'delivered'],
        ],
      );
      const requests = receiver.to(path);
      assert.equal(requests.length, 2);
      return requests;
    }

    it("a delivery verifies with the snippet under the account's secret; tampering, another secret or an old timestamp do not", async () => {
      const { auth, secret } = await createClientAccount(gateway, 'signing');
      const requests = await deliveredRequests(auth, '/signed');
      for (const request of requests) {
        const { headers, body } = request;
        assert.match(String(headers['smsgate-signature']), /^v1=[0-9a-f]{64}$/);
        assert.match(String(headers['smsgate-timestamp']), /^\d+$/);
        assert.equal(headers['user-agent'], 'smsgate-webhooks');
        assert.ok(verify(secret, body, headers), 'the delivery verifies');
        assert.ok(verify(secret, Buffer.from(body), headers), 'as a Buffer too');

        // Tampered bodies: a changed status, one more space, one byte less.
        const tampered = body.replace(/"status":"(sent|delivered)"/, '"status":"undelivered"');
        assert.notEqual(tampered, body);
        assert.equal(verify(secret, tampered, headers), false);
        assert.equal(verify(secret, `${body} `, headers), false);
        assert.equal(verify(secret, body.slice(0, -1), headers), false);
        // Another secret, or none of the headers.
        assert.equal(verify(`${secret}x`, body, headers), false);
        assert.equal(verify('whsec_someoneelse', body, headers), false);
        assert.equal(verify(secret, body, {}), false);
        assert.equal(verify(secret, body, { ...headers, 'smsgate-signature': undefined }), false);
        // A different timestamp under the same signature.
        const timestamp = Number(headers['smsgate-timestamp']);
        assert.equal(verify(secret, body, { ...headers, 'smsgate-timestamp': String(timestamp + 1) }), false);
        // Correctly signed but ten minutes old: refused by the freshness window (a fresh one passes).
        const old = timestamp - 600;
        const oldHeaders = {
          ...headers,
          'smsgate-timestamp': String(old),
          'smsgate-signature': `v1=${signPayload(secret, old, body)}`,
        };
        assert.equal(verify(secret, body, oldHeaders), false);
        assert.equal(verify(secret, body, oldHeaders, 3600), true, 'only its age is wrong');
        const now = Math.floor(Date.now() / 1000);
        const fresh = {
          ...headers,
          'smsgate-timestamp': String(now),
          'smsgate-signature': `v1=${signPayload(secret, now, body)}`,
        };
        assert.equal(verify(secret, body, fresh), true);
      }
    });

    it('after rotate-secret the next deliveries verify with the new secret only', async () => {
      const { accountId, auth, secret: oldSecret } = await createClientAccount(gateway, 'rotation');
      const rotated = await gateway.http.inject({
        method: 'POST',
        url: `/v1/accounts/${accountId}/webhooks/rotate-secret`,
        headers: auth,
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      const { secret } = rotated.json() as { secret: string };
      assert.match(secret, /^whsec_/);
      assert.notEqual(secret, oldSecret);
      const shown = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${accountId}/webhooks`,
        headers: auth,
      });
      assert.equal(shown.json().secret, secret);

      const requests = await deliveredRequests(auth, '/rotated');
      for (const { body, headers } of requests) {
        assert.equal(verify(secret, body, headers), true);
        assert.equal(verify(oldSecret, body, headers), false);
      }
    });

    it("each account's deliveries are signed with its own secret", async () => {
      const a = await createClientAccount(gateway, 'secret a');
      const b = await createClientAccount(gateway, 'secret b');
      assert.notEqual(a.secret, b.secret);
      const fromA = await deliveredRequests(a.auth, '/account-a');
      const fromB = await deliveredRequests(b.auth, '/account-b');
      for (const { body, headers } of fromA) {
        assert.equal(verify(a.secret, body, headers), true);
        assert.equal(verify(b.secret, body, headers), false);
      }
      for (const { body, headers } of fromB) {
        assert.equal(verify(b.secret, body, headers), true);
        assert.equal(verify(a.secret, body, headers), false);
      }
      // The body names the event the header names.
      for (const r of statusEvents([...fromA, ...fromB])) assert.equal(r.headerEventId, r.payload.id);
    });
  },
  describe,
);
