// The SSRF guard at the edges: callback URLs with refused addresses are turned away when given
// (400 callback_not_allowed naming the field, nothing stored), and host names are judged at delivery
// by what they resolve to (the event goes dead; the request never leaves); a receiver's redirect to
// another origin is never followed.
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import {
  createClientAccount,
  deliverableNumbers,
  sendMessages,
  statusEvents,
  WebhookReceiver,
  waitForEventsSettled,
} from '../helpers/webhook-receiver.js';

async function countRows(store: Store): Promise<{ messages: number; events: number; history: number }> {
  const count = async (table: 'messages' | 'events' | 'message_history') => {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  };
  return {
    messages: await count('messages'),
    events: await count('events'),
    history: await count('message_history'),
  };
}

/** Sends two recipients with `callbackUrl`; asserts 400 callback_not_allowed naming callbackUrl and nothing stored. */
async function assertRefused(
  gateway: Gateway,
  store: Store,
  callbackUrl: string,
  code = 'callback_not_allowed',
) {
  const before = await countRows(store);
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { 'content-type': 'application/json', ...ADMIN_AUTH },
    payload: JSON.stringify({ to: deliverableNumbers(2, 29), text: 'ssrf', callbackUrl }),
  });
  assert.equal(response.statusCode, 400, `${callbackUrl}: ${response.body}`);
  const { error } = response.json() as { error: { code: string; field: string; message: string } };
  assert.equal(error.code, code, `${callbackUrl}: ${response.body}`);
  assert.equal(error.field, 'callbackUrl', `${callbackUrl}: ${response.body}`);
  assert.match(error.message, /callbackUrl/);
  assert.deepEqual(await countRows(store), before, `${callbackUrl}: nothing stored`);
}

/** Makes dns.lookup resolve the given names (others resolve for real). */
function fakeDns(table: Record<string, string>): void {
  const real = dns.lookup;
  mock.method(dns, 'lookup', (hostname: string, options: dns.LookupAllOptions, callback: unknown) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, addresses?: dns.LookupAddress[]) => void;
    const address = table[hostname];
    if (address === undefined) return real(hostname, options, cb);
    process.nextTick(cb, null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  });
}

await describeEachDatabase(
  'SSRF guard with private addresses not allowed (the default)',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, { config: { webhooks: { ...FAST_WEBHOOKS } } });
      assert.equal(gateway.config.webhooks.allowPrivateAddresses, false);
    });
    afterEach(() => mock.restoreAll());
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    const refused = [
      'http://127.0.0.1:1/x',
      'http://169.254.169.254/',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[::1]:8080/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://2130706433/',
      'http://0x7f.0.0.1/',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://172.16.5.4/hook',
      'http://100.64.0.1/hook',
      'http://[fd00::1]/hook',
      'http://0.0.0.0/',
      'http://user:secret@example.com/hook',
    ];
    for (const url of refused) {
      it(`refuses callbackUrl ${url} at accept: 400 callback_not_allowed, nothing stored`, async () => {
        await assertRefused(gateway, store, url);
      });
    }

    it('refuses localhost names at accept (loopback by name), whatever their port', async () => {
      await assertRefused(gateway, store, `http://localhost:${receiver.port}/`);
      await assertRefused(gateway, store, `http://LOCALHOST.:${receiver.port}/x`);
      await assertRefused(gateway, store, 'http://api.localhost/x');
      assert.equal(receiver.requests.length, 0);
    });

    it('refuses schemes other than http and https, naming callbackUrl', async () => {
      const before = await countRows(store);
      for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com/']) {
        const response = await gateway.http.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: { 'content-type': 'application/json', ...ADMIN_AUTH },
          payload: JSON.stringify({ to: deliverableNumbers(1, 29), text: 'scheme', callbackUrl: url }),
        });
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().error.field, 'callbackUrl');
      }
      assert.deepEqual(await countRows(store), before);
    });

    it("refuses such URLs as an account's webhooks too, naming the field, changing nothing", async () => {
      const { accountId, auth } = await createClientAccount(gateway, 'ssrf settings');
      for (const [field, url] of [
        ['statusUrl', `http://127.0.0.1:${receiver.port}/`],
        ['statusUrl', 'http://169.254.169.254/'],
        ['inboundUrl', `http://localhost:${receiver.port}/in`],
        ['inboundUrl', 'http://[fd00:ec2::254]/'],
      ] as const) {
        const response = await gateway.http.inject({
          method: 'PUT',
          url: `/v1/accounts/${accountId}/webhooks`,
          headers: { 'content-type': 'application/json', ...auth },
          payload: JSON.stringify({ [field]: url }),
        });
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().error.code, 'callback_not_allowed');
        assert.equal(response.json().error.field, field);
      }
      const shown = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${accountId}/webhooks`,
        headers: auth,
      });
      assert.equal(shown.json().statusUrl, null);
      assert.equal(shown.json().inboundUrl, null);
    });

    it('a host name that resolves to a loopback address is refused at delivery: the event is dead, nothing is sent', async () => {
      fakeDns({ 'receiver.smsgate.test': '127.0.0.1' });
      const [id] = await sendMessages(gateway, {
        to: deliverableNumbers(1, 29),
        text: 'rebinding',
        callbackUrl: `http://receiver.smsgate.test:${receiver.port}/hook`,
      });
      const events = await waitForEventsSettled(store, [id!]);
      assert.deepEqual(
        events.map((e) => [e.status, e.state, e.attempts]),
        [
          ['sent', 'dead', 1],
          ['delivered', 'dead', 1],
        ],
      );
      for (const e of events) {
        assert.match(e.last_error ?? '', /^refused: /);
        assert.match(e.last_error ?? '', /loopback/);
      }
      assert.equal(receiver.requests.length, 0, 'the receiver behind the name got nothing');
    });
  },
  describe,
);

await describeEachDatabase(
  'SSRF guard with private addresses allowed',
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
    afterEach(() => mock.restoreAll());
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    for (const url of [
      'http://169.254.169.254/',
      'http://169.254.169.254:80/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
      'http://169.254.170.2/v2/credentials',
      'http://100.100.100.200/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://169.254.1.1/',
      'http://[fe80::1]/',
      'http://0.0.0.0/',
    ]) {
      it(`still refuses ${url} (metadata, link-local, unspecified): 400, nothing stored`, async () => {
        await assertRefused(gateway, store, url);
      });
    }

    it('accepts a loopback receiver and delivers to it', async () => {
      const [id] = await sendMessages(gateway, {
        to: deliverableNumbers(1, 29),
        text: 'loopback allowed',
        callbackUrl: receiver.url('/ok'),
      });
      const events = await waitForEventsSettled(store, [id!]);
      assert.deepEqual(
        events.map((e) => e.state),
        ['delivered', 'delivered'],
      );
      assert.deepEqual(
        statusEvents(receiver.to('/ok')).map((r) => r.payload.data.status),
        ['sent', 'delivered'],
      );
    });

    it('never follows a receiver redirecting an event to another origin; follows one to its own', async () => {
      // The callback URL's server answers 307: to another port (another origin, as an attacker's
      // receiver would point at an internal service) for /away, to its own /final for /home.
      const elsewhere: string[] = [];
      const target = createServer((req, res) => {
        elsewhere.push(req.url ?? '');
        res.end('ok');
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      const targetPort = (target.address() as AddressInfo).port;
      const atHome: { path: string; body: string }[] = [];
      const redirecting = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          atHome.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
          if (req.url === '/away')
            res.writeHead(307, { location: `http://127.0.0.1:${targetPort}/steal` }).end();
          else if (req.url === '/home') res.writeHead(307, { location: '/final' }).end();
          else res.end('ok');
        });
      });
      await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
      const home = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
      try {
        const [away] = await sendMessages(gateway, {
          to: deliverableNumbers(1, 29),
          text: 'redirected away',
          callbackUrl: `${home}/away`,
        });
        // One message's events go out one attempt at a time: once a second attempt has come, the
        // first one is over, and a redirect it followed would have reached the other origin.
        await waitFor(
          () => (atHome.filter((r) => r.path === '/away').length >= 2 ? true : undefined),
          30_000,
        );
        assert.deepEqual(elsewhere, [], 'the other origin never got a request');
        const states = await store.db
          .selectFrom('events')
          .select('state')
          .where('message_id', '=', away!)
          .execute();
        assert.ok(
          states.length === 2 && states.every((e) => e.state === 'pending'),
          `a redirect is not a delivery: ${JSON.stringify(states)}`,
        );

        const [followed] = await sendMessages(gateway, {
          to: deliverableNumbers(1, 29),
          text: 'redirected home',
          callbackUrl: `${home}/home`,
        });
        const events = await waitForEventsSettled(store, [followed!]);
        assert.deepEqual(
          events.map((e) => e.state),
          ['delivered', 'delivered'],
        );
        const finals = atHome
          .filter((r) => r.path === '/final')
          .map((r) => JSON.parse(r.body).data.messageId);
        assert.deepEqual(finals, [followed, followed], 'the body POSTed again to the same origin');
        assert.deepEqual(elsewhere, []);
      } finally {
        await new Promise((resolve) => target.close(resolve));
        redirecting.closeAllConnections();
        await new Promise((resolve) => redirecting.close(resolve));
      }
    });

    it('a host name that resolves to a metadata address is refused at delivery even so', async () => {
      fakeDns({ 'metadata.smsgate.test': '169.254.169.254' });
      const [id] = await sendMessages(gateway, {
        to: deliverableNumbers(1, 29),
        text: 'metadata by name',
        callbackUrl: 'http://metadata.smsgate.test/latest/meta-data/',
      });
      const events = await waitForEventsSettled(store, [id!]);
      assert.deepEqual(
        events.map((e) => [e.state, e.attempts]),
        [
          ['dead', 1],
          ['dead', 1],
        ],
      );
      for (const e of events) assert.match(e.last_error ?? '', /^refused: .*metadata/);
    });
  },
  describe,
);
