/**
 * A callback URL is at most 2,000 characters (as account webhook URLs), and what the recipients of
 * one request share — the callback URL, its format and the metadata — is stored once, not once per
 * recipient (security issue: a 103 KB request grew the database by 41 MB).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  deliverableNumbers,
  eventsOf,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
} from '../helpers/webhook-receiver.js';
import { assertError, get, sendMessages } from './support.js';

await describeEachDatabase(
  'callback URL bounds and fields shared by a request',
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

    const urlOfLength = (length: number) => {
      const base = receiver.url('/hook?pad=');
      return base + 'x'.repeat(length - base.length);
    };

    it('refuses a callbackUrl over 2,000 characters, naming the field, and stores nothing', async () => {
      const before = await store.db.selectFrom('messages').select('id').execute();
      for (const length of [2001, 103_000]) {
        const response = await sendMessages(gateway, {
          to: '+447911123456',
          text: 'long url',
          callbackUrl: urlOfLength(length),
        });
        assertError(response, 400, { field: 'callbackUrl', message: /at most 2000/ });
      }
      assert.equal((await store.db.selectFrom('messages').select('id').execute()).length, before.length);
      const ok = await sendMessages(gateway, {
        to: '+447911123456',
        text: 'ok',
        callbackUrl: urlOfLength(2000),
      });
      assert.equal(ok.statusCode, 202, ok.body);
    });

    it('1,000 recipients with a 2,000-character URL and 4 KB of metadata store them once', async () => {
      const callbackUrl = urlOfLength(2000);
      const metadata = { note: 'm'.repeat(4000) };
      const to = [...deliverableNumbers(500, 14), ...deliverableNumbers(500, 15)];
      const response = await sendMessages(gateway, { to, text: 'many', callbackUrl, metadata });
      assert.equal(response.statusCode, 202, response.body);
      const ids = (response.json().messages as { id: string }[]).map((m) => m.id);

      const rows = await store.db
        .selectFrom('messages')
        .select(['callback_url', 'metadata', 'request_id'])
        .where('id', 'in', ids)
        .execute();
      assert.equal(rows.length, 1000);
      assert.ok(rows.every((r) => r.callback_url === null && r.metadata === null && r.request_id !== null));
      assert.equal(new Set(rows.map((r) => r.request_id)).size, 1, 'one request row for all');
      const requests = await store.db
        .selectFrom('message_requests')
        .selectAll()
        .where('id', '=', rows[0]!.request_id!)
        .execute();
      assert.deepEqual(
        requests.map((r) => [r.callback_url, r.metadata]),
        [[callbackUrl, JSON.stringify(metadata)]],
      );

      // Every reader still sees each message with the shared fields.
      const one = (await get(gateway, `/v1/messages/${ids[999]}`)).json();
      assert.equal(one.callbackUrl, callbackUrl);
      assert.deepEqual(one.metadata, metadata);
      const listed = (await get(gateway, `/v1/messages?to=${encodeURIComponent(to[0]!)}`)).json().data;
      assert.equal(listed[0].callbackUrl, callbackUrl);
      const events = await waitForEventsSettled(store, ids, 120_000);
      assert.equal(events.length, 2000);
      assert.ok(events.every((e) => e.state === 'delivered' && e.url === callbackUrl));
      const received = statusEvents(receiver.requests.filter((r) => r.path.startsWith('/hook?pad=')));
      const ofThese = received.filter((r) => ids.includes(r.payload.data.messageId));
      assert.ok(ofThese.length >= 2000);
      assert.ok(ofThese.every((r) => (r.payload.data.metadata as { note: string }).note === metadata.note));
      assert.equal((await eventsOf(store, ids.slice(0, 1)))[0]?.format, 'native');
    });
  },
  describe,
);
