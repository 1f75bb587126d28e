/**
 * The conformance suite: the same send / receipt / error / retry cases over every connector (the
 * simulator, SMPP against the SMSC simulator, Clickatell, Grandcom, and the generic HTTP connector
 * in both documented examples), each against its upstream's fake. What an upstream cannot do is
 * said in its table entry, with the reason, and that case asserts what is true for it instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import { freePort } from '../e2e/gateway-process.js';
import { FakeClickatell } from '../fakes/fake-clickatell.js';
import { FakeGrandcom } from '../fakes/fake-grandcom.js';
import { FakeJsonProvider } from '../fakes/fake-json-provider.js';
import type { FakeProvider } from '../fakes/fake-provider-base.js';
import { FakeTwilio } from '../fakes/fake-twilio.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { readExample } from './examples.js';

const FINAL = ['delivered', 'undelivered', 'expired', 'rejected', 'failed', 'canceled'];
const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;

/** One connector under test and what its upstream can show. */
interface Upstream {
  readonly connector: Record<string, unknown>;
  /** Submissions (requests or submit_sm) the upstream saw for a destination. */
  attemptsFor(to: string): number;
  /** The text the upstream took for a destination (segments joined). */
  textFor(to: string): string | undefined;
  /** Send requests the upstream received (for the batching case); undefined when it has no requests. */
  requests(): number | undefined;
  /** Makes the next n send requests fail with a 5xx; undefined: the upstream has no such failure. */
  serverErrors?: (n: number) => void;
  /** Refuse connections, then take them again. */
  down?: () => Promise<void>;
  up?: () => Promise<void>;
  /** The final status of a 0002 number (Twilio-style reports expiry as `failed` → undelivered). */
  readonly expiredStatus: string;
  /** Attempts a 0003 number takes; null when the upstream cannot throttle one number (why in `why`). */
  readonly throttledAttempts: number | null;
  readonly why?: string;
  /** Whether a long text reaches the upstream as one request (HTTP) or as segments (SMPP). */
  readonly longAsOne: boolean;
  close(): Promise<void>;
}

type Factory = (gatewayUrl: string) => Promise<Upstream>;

function fromFake(
  fake: FakeProvider,
  connector: Record<string, unknown>,
  options: { expiredStatus?: string } = {},
): Upstream {
  const sends = () => fake.requests.filter((r) => !r.path.startsWith('/callbacks'));
  // A GET provider carries the message in the query string, the others in the body.
  const bodyMentions = (to: string) =>
    sends().filter((r) => r.rawBody.includes(to.slice(1)) || r.path.includes(to.slice(1))).length;
  return {
    connector,
    attemptsFor: bodyMentions,
    textFor: (to) => fake.messages.find((m) => m.to.replace(/^\+/, '') === to.slice(1))?.text,
    requests: () => sends().length,
    serverErrors: (n) => fake.failNext(n, 503),
    down: () => fake.down(),
    up: () => fake.up(),
    expiredStatus: options.expiredStatus ?? 'expired',
    throttledAttempts: 3,
    longAsOne: true,
    close: () => fake.close(),
  };
}

const UPSTREAMS: Record<string, Factory> = {
  sim: async () => ({
    connector: { name: 'up', type: 'sim', receiptDelayMs: 5 },
    attemptsFor: () => Number.NaN,
    textFor: () => undefined,
    requests: () => undefined,
    expiredStatus: 'expired',
    throttledAttempts: 3,
    why: 'the built-in simulator has no wire: it cannot fail with 5xx, go down or show what it took',
    longAsOne: false,
    close: async () => {},
  }),
  smpp: async () => {
    // The simulator cannot be restarted, so "up" is a new one on the same port; records span both.
    const simulators = [new SmscSimulator({ receiptDelayMs: 5 })];
    const port = await simulators[0]!.start(0);
    const submits = (to: string) =>
      simulators.flatMap((sim) => sim.submits).filter((s) => s.destinationAddr === to.slice(1));
    return {
      connector: {
        name: 'up',
        type: 'smpp',
        host: '127.0.0.1',
        port,
        systemId: 'smsgate',
        password: 'secret',
        window: 20,
        responseTimeoutSeconds: 2,
        reconnectMinSeconds: 0.05,
        reconnectMaxSeconds: 0.5,
      },
      attemptsFor: (to) => submits(to).length,
      textFor: (to) =>
        submits(to)
          .map((s) => s.text ?? '')
          .join('') || undefined,
      requests: () => undefined,
      down: () => simulators.at(-1)!.stop(),
      up: async () => {
        const next = new SmscSimulator({ receiptDelayMs: 5 });
        simulators.push(next);
        await next.start(port);
      },
      expiredStatus: 'expired',
      throttledAttempts: null,
      why: 'the SMSC simulator throttles by count (throttleEvery), not per number: covered in smpp-end-to-end.test.ts',
      longAsOne: false,
      close: async () => {
        for (const sim of simulators) await sim.stop().catch(() => {});
      },
    };
  },
  clickatell: async (gatewayUrl) => {
    const fake = await FakeClickatell.start({
      statusCallbackUrl: `${gatewayUrl}/callbacks/up?token=conformance-token`,
    });
    return fromFake(fake, {
      name: 'up',
      type: 'clickatell',
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      callbackToken: 'conformance-token',
    });
  },
  grandcom: async (gatewayUrl) => {
    const fake = await FakeGrandcom.start({
      statusCallbackUrl: `${gatewayUrl}/callbacks/up?token=conformance-token`,
    });
    return fromFake(fake, {
      name: 'up',
      type: 'grandcom',
      baseUrl: fake.url,
      username: 'smsgate',
      password: 'grandcom-secret',
      callbackToken: 'conformance-token',
    });
  },
  'http (Twilio-style example)': async (gatewayUrl) => {
    const fake = await FakeTwilio.start({});
    const example = readExample('http-twilio-style.json');
    return fromFake(
      fake,
      {
        ...example,
        name: 'up',
        url: `${fake.url}${fake.messagesPath}`,
        auth: { type: 'basic', username: fake.accountSid, password: fake.authToken },
        // Twilio signs its callbacks with the auth token: the signature is the credential.
        callbackUrl: `${gatewayUrl}/callbacks/up`,
        callbackSignature: { scheme: 'twilio', key: fake.authToken },
      },
      { expiredStatus: 'undelivered' },
    );
  },
  'http (GET query-string example)': async (gatewayUrl) => {
    const fake = await FakeClickatell.start({
      statusCallbackUrl: `${gatewayUrl}/callbacks/up?token=change-this-token`,
    });
    const example = readExample('http-query-get.json');
    return fromFake(fake, {
      ...example,
      name: 'up',
      url: String(example.url)
        .replace('https://platform.clickatell.com', fake.url)
        .replace('your-api-key', fake.apiKey),
    });
  },
  'http (JSON API example)': async (gatewayUrl) => {
    const fake = await FakeJsonProvider.start({
      statusCallbackUrl: `${gatewayUrl}/callbacks/up?token=change-this-token`,
    });
    const example = readExample('http-json-api.json');
    return fromFake(fake, {
      ...example,
      name: 'up',
      url: `${fake.url}/api/sms`,
      auth: { type: 'bearer', token: 'test-json-token' },
    });
  },
};

interface MessageView {
  id: string;
  status: string;
  lastCode: string | null;
  connector: string;
  segments: number;
  history: { status: string }[];
  parts: { upstreamId: string }[];
}

let serial = 0;
/**
 * A UK mobile number ending in `suffix` (the upstream rules read the last four digits), fresh for
 * the next 100 calls: enough for one connector's cases, and each connector has its own upstream.
 */
function numberEnding(suffix: string): string {
  serial = (serial + 1) % 100;
  return `+447800${String(serial).padStart(2, '0')}${suffix}`;
}

for (const [label, factory] of Object.entries(UPSTREAMS)) {
  describe(`connector conformance: ${label}`, { timeout: 120_000 }, () => {
    let store: TestStore;
    let gateway: Gateway;
    let upstream: Upstream;

    before(async () => {
      const port = await freePort();
      upstream = await factory(`http://127.0.0.1:${port}`);
      store = await sqlite.open();
      gateway = await startTestGateway(store, {
        listen: true,
        config: { port, connectors: [upstream.connector as never], queue: { maxAttempts: 10 } },
      });
    });
    after(async () => {
      await gateway.stop(false);
      await upstream.close();
      await store.destroy();
    });

    async function send(to: string | string[], text = 'conformance'): Promise<string[]> {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to, text, from: '+447911000001' },
      });
      assert.equal(response.statusCode, 202, response.body);
      return (response.json() as { messages: { id: string }[] }).messages.map((m) => m.id);
    }

    async function final(id: string): Promise<MessageView> {
      return waitFor(
        async () => {
          const view = (
            await gateway.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: ADMIN_AUTH })
          ).json() as MessageView;
          return FINAL.includes(view.status) ? view : undefined;
        },
        30_000,
        `message ${id} final`,
      );
    }

    it('delivers a message: one submission, its upstream id on the part, the raw code kept', async () => {
      const to = numberEnding('5557');
      const view = await final((await send(to))[0]!);
      assert.equal(view.status, 'delivered');
      assert.equal(view.connector, 'up');
      assert.equal(view.parts.length, 1);
      assert.ok(view.parts[0]!.upstreamId.length > 0);
      assert.ok(view.lastCode && view.lastCode.length > 0, 'the receipt raw code is kept');
      if (upstream.requests() !== undefined || label === 'smpp') assert.equal(upstream.attemptsFor(to), 1);
    });

    it('delivers a 400-character GSM text (one request for HTTP providers, segments for SMPP)', async () => {
      const to = numberEnding('5567');
      const text = 'Long message. '.repeat(29).slice(0, 400);
      const view = await final((await send(to, text))[0]!);
      assert.equal(view.status, 'delivered');
      assert.equal(view.segments, 3);
      if (upstream.longAsOne) {
        assert.equal(upstream.attemptsFor(to), 1);
        assert.equal(upstream.textFor(to), text);
      } else if (label === 'smpp') {
        assert.equal(upstream.attemptsFor(to), 3);
        assert.equal(upstream.textFor(to), text);
      } else {
        assert.equal(view.parts.length, 3, `${label}: one upstream id per segment`);
      }
    });

    it('carries a UCS-2 text intact', async () => {
      const to = numberEnding('5577');
      const text = 'Привет 😀 — ça va?';
      const view = await final((await send(to, text))[0]!);
      assert.equal(view.status, 'delivered');
      if (label === 'sim') assert.equal(view.segments, 1, upstream.why);
      else assert.equal(upstream.textFor(to), text);
    });

    it('reports an undelivered receipt (0000) with its raw code', async () => {
      const view = await final((await send(numberEnding('0000')))[0]!);
      assert.equal(view.status, 'undelivered');
      assert.ok(view.lastCode, 'raw code kept');
      assert.deepEqual(
        view.history.map((h) => h.status),
        ['queued', 'sending', 'sent', 'undelivered'],
      );
    });

    it('reports expiry (0002) as the upstream does', async () => {
      const view = await final((await send(numberEnding('0002')))[0]!);
      assert.equal(view.status, upstream.expiredStatus);
    });

    it('rejects a number the upstream refuses (0001) without retrying it', async () => {
      const to = numberEnding('0001');
      const view = await final((await send(to))[0]!);
      assert.equal(view.status, 'rejected');
      assert.ok(view.lastCode, 'the refusal code is kept');
      assert.equal(view.history.filter((h) => h.status === 'sending').length, 1, 'one attempt only');
      if (upstream.requests() !== undefined) assert.equal(upstream.attemptsFor(to), 1);
    });

    it('retries a throttled number (0003) and delivers it', async () => {
      const view = await final((await send(numberEnding('0003')))[0]!);
      if (upstream.throttledAttempts === null) {
        // No per-number throttling upstream (see `why`): the number is simply delivered.
        assert.equal(view.status, 'delivered', upstream.why);
        return;
      }
      assert.equal(view.status, 'delivered');
      assert.equal(view.history.filter((h) => h.status === 'sending').length, upstream.throttledAttempts);
    });

    it('retries after server errors or a lost connection, then delivers', async () => {
      if (!upstream.down) {
        // Nothing can fail between the gateway and the built-in simulator (see `why`).
        const view = await final((await send(numberEnding('5587')))[0]!);
        assert.equal(view.status, 'delivered', upstream.why);
        return;
      }
      if (upstream.serverErrors) {
        const to = numberEnding('5597');
        upstream.serverErrors(2);
        const view = await final((await send(to))[0]!);
        assert.equal(view.status, 'delivered');
        assert.equal(view.history.filter((h) => h.status === 'sending').length, 3, 'two 5xx, then accepted');
        assert.equal(upstream.attemptsFor(to), 3);
      }
      await upstream.down();
      const to = numberEnding('5607');
      const [id] = await send(to);
      await waitFor(
        async () => {
          const history = (
            (
              await gateway.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: ADMIN_AUTH })
            ).json() as MessageView
          ).history;
          // An HTTP provider fails the attempt; SMPP holds the message while no bind is up.
          const retried = history.some((h, i) => h.status === 'queued' && i > 0);
          return retried || gateway.connectors.get('up')!.status().state === 'down' ? true : undefined;
        },
        20_000,
        'a failed attempt, or the connector down, while the upstream is down',
      );
      await upstream.up!();
      const view = await final(id!);
      assert.equal(view.status, 'delivered');
      assert.equal(upstream.attemptsFor(to), 1, 'taken exactly once');
    });

    it('delivers 20 messages sent at once (batched where the provider takes batches)', async () => {
      const numbers = Array.from({ length: 20 }, () => numberEnding('5617'));
      const before = upstream.requests();
      const views = await Promise.all((await send(numbers)).map(final));
      assert.deepEqual(new Set(views.map((v) => v.status)), new Set(['delivered']));
      const requests = upstream.requests();
      if (before !== undefined && requests !== undefined) {
        const used = requests - before;
        if (label === 'clickatell' || label === 'grandcom')
          assert.ok(used < 20, `${used} requests for 20 messages`);
        else assert.equal(used, 20, 'one request per message');
      }
    });
  });
}
