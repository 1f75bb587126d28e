import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildConfig } from '../../src/config/load-config.js';
import type { Gateway } from '../../src/gateway.js';
import { NUMBERS, waitForStatus } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';

/** `name{labels} value` lines of an exposition text, keyed by `name{labels}` as written. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

function sample(samples: Map<string, number>, key: string): number {
  const value = samples.get(key);
  assert.notEqual(value, undefined, `no sample ${key} in:\n${[...samples.keys()].join('\n')}`);
  return value!;
}

await describeEachDatabase(
  'GET /metrics after real traffic',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { listen: true });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const post = (body: unknown) =>
      fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('counts the messages, statuses, submissions, receipts and HTTP requests it was sent', async () => {
      const delivered = [NUMBERS.delivered, NUMBERS.delivered2, NUMBERS.delivered3];
      const ids: string[] = [];
      for (const to of delivered) {
        const response = await post({ to, text: 'metrics' });
        assert.equal(response.status, 202);
        ids.push(((await response.json()) as { messages: { id: string }[] }).messages[0]!.id);
      }
      // One request for two undelivered recipients: two messages, one request.
      const two = await post({ to: [NUMBERS.undelivered, '+447911130005'], text: 'metrics' });
      assert.equal(two.status, 202);
      const bad = await post({ to: NUMBERS.delivered, text: 42 });
      assert.equal(bad.status, 400);
      for (const id of ids) await waitForStatus(gateway, id, 'delivered');
      const undeliveredIds = ((await two.json()) as { messages: { id: string }[] }).messages.map((m) => m.id);
      await waitForStatus(gateway, undeliveredIds[0]!, 'undelivered');
      await waitForStatus(gateway, undeliveredIds[1]!, 'delivered');
      const read = await fetch(`${gateway.url}/v1/messages/${ids[0]}`, { headers: ADMIN_AUTH });
      assert.equal(read.status, 200);

      const response = await fetch(`${gateway.url}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const samples = parseExposition(await response.text());

      assert.equal(sample(samples, 'smsgate_messages_accepted_total{dialect="native"}'), 5);
      assert.equal(sample(samples, 'smsgate_accept_duration_seconds_count{dialect="native"}'), 4);
      assert.equal(sample(samples, 'smsgate_message_transitions_total{status="queued"}'), 5);
      assert.equal(sample(samples, 'smsgate_message_transitions_total{status="sent"}'), 5);
      assert.equal(sample(samples, 'smsgate_message_transitions_total{status="delivered"}'), 4);
      assert.equal(sample(samples, 'smsgate_message_transitions_total{status="undelivered"}'), 1);
      assert.equal(sample(samples, 'smsgate_connector_submits_total{connector="sim",outcome="sent"}'), 5);
      assert.equal(sample(samples, 'smsgate_submit_duration_seconds_count{connector="sim"}'), 5);
      assert.equal(sample(samples, 'smsgate_receipts_total{connector="sim",state="delivered"}'), 4);
      assert.equal(sample(samples, 'smsgate_receipts_total{connector="sim",state="undelivered"}'), 1);
      assert.equal(sample(samples, 'smsgate_receipt_latency_seconds_count{connector="sim"}'), 5);
      assert.equal(
        sample(samples, 'smsgate_http_requests_total{method="POST",route="/v1/messages",status="202"}'),
        4,
      );
      assert.equal(
        sample(samples, 'smsgate_http_requests_total{method="POST",route="/v1/messages",status="400"}'),
        1,
      );
      // The route pattern, not the message's URL: one series however many messages are read.
      assert.ok(
        sample(samples, 'smsgate_http_requests_total{method="GET",route="/v1/messages/:id",status="200"}') >=
          1,
      );
      assert.ok(![...samples.keys()].some((key) => key.includes(ids[0]!)), 'no message id in a label');
      assert.equal(sample(samples, 'smsgate_connector_up{connector="sim",state="up"}'), 1);
      assert.equal(sample(samples, 'smsgate_connector_up{connector="sim",state="down"}'), 0);
      assert.equal(sample(samples, 'smsgate_queue_messages{state="unsent"}'), 0);
      assert.equal(sample(samples, 'smsgate_connector_in_flight{connector="sim"}'), 0);
      assert.equal(sample(samples, 'smsgate_smpp_server_binds{mode="transceiver"}'), 0);
      assert.equal(sample(samples, 'smsgate_webhook_deliveries_total{outcome="delivered"}'), 0);
      assert.equal(sample(samples, 'smsgate_webhook_backlog'), 0);
    });
  },
  describe,
);

await describeEachDatabase(
  'GET /metrics with metrics.token',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const token = 'scrape-token-0123456789abcdef';
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { listen: true, config: { metrics: { token } } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    describe('refuses scrapers without the token', () => {
      for (const [what, headers] of [
        ['no Authorization', {}],
        ['a wrong token', { authorization: `Bearer ${token.slice(0, -1)}x` }],
        ['a longer token', { authorization: `Bearer ${token}0` }],
        ['an API key', ADMIN_AUTH],
      ] as const) {
        it(`401 for ${what}`, async () => {
          const response = await fetch(`${gateway.url}/metrics`, { headers });
          assert.equal(response.status, 401);
          assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="smsgate metrics"');
          const body = (await response.json()) as { error: { code: string } };
          assert.equal(body.error.code, 'unauthorized');
          assert.doesNotMatch(JSON.stringify(body), /smsgate_/);
        });
      }
    });

    it('refuses a short token in the configuration, naming the setting', () => {
      assert.throws(
        () => buildConfig({ metrics: { token: 'short' } }),
        /metrics\.token: must be at least 16 characters/,
      );
    });

    it('answers the scraper with the token', async () => {
      const response = await fetch(`${gateway.url}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /^# HELP smsgate_/m);
    });
  },
  describe,
);
