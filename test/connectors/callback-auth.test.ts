/**
 * Provider callbacks need a credential by default (security issue: a forged Clickatell-style MO
 * "STOP" used to opt a recipient out): a connector that reads callbacks and names no credential is
 * refused at start, unless it says `unauthenticatedCallbacks: true` (then the start warns); forged
 * and wrongly signed callbacks get 401 and change nothing; failed guesses are slowed like API keys.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/core/logger.js';
import { Gateway } from '../../src/gateway.js';
import { freePort } from '../e2e/gateway-process.js';
import { FakeTwilio, twilioSignature } from '../fakes/fake-twilio.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { readExample } from './examples.js';

const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;

const clickatell = { name: 'clickatell', type: 'clickatell', apiKey: 'k' } as const;
const grandcom = {
  name: 'grandcom',
  type: 'grandcom',
  baseUrl: 'https://g.example',
  username: 'u',
  password: 'p',
} as const;

describe('provider callbacks: a credential is required at start', () => {
  it('refuses Clickatell, Grandcom and a generic HTTP connector that reads callbacks without one', () => {
    const twilio = { ...readExample('http-twilio-style.json'), callbackSignature: undefined };
    for (const connector of [clickatell, grandcom, twilio] as Record<string, unknown>[]) {
      assert.throws(
        () => buildConfig({ connectors: [connector as never] }),
        /callbackToken: provider callbacks need a credential: set callbackToken/,
        String(connector.name),
      );
    }
  });

  it('accepts a token, a signature (with the URL it covers), or an explicit unauthenticatedCallbacks', () => {
    buildConfig({ connectors: [{ ...clickatell, callbackToken: 'a-long-random-token' }] });
    buildConfig({ connectors: [{ ...grandcom, unauthenticatedCallbacks: true }] });
    buildConfig({ connectors: [readExample('http-twilio-style.json') as never] });
    assert.throws(
      () =>
        buildConfig({
          connectors: [{ ...readExample('http-twilio-style.json'), callbackUrl: undefined } as never],
        }),
      /callbackSignature needs callbackUrl/,
    );
    // A generic connector that reads no callbacks needs nothing.
    buildConfig({
      connectors: [
        { name: 'plain', type: 'http', url: 'https://api.example/send', response: { idPath: 'id' } },
      ],
    });
  });

  it('warns loudly at every start of a gateway whose connector accepts unauthenticated callbacks', async () => {
    const store = await sqlite.open();
    const lines: string[] = [];
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const gateway = await Gateway.create({
      config: buildConfig({
        port: 0,
        logLevel: 'warn',
        connectors: [{ ...clickatell, baseUrl: 'http://127.0.0.1:9', unauthenticatedCallbacks: true }],
      }),
      store,
      adminKey: TEST_ADMIN_KEY,
      logger: createLogger('warn', out),
    });
    try {
      await waitFor(() => (lines.length > 0 ? true : undefined), 2000, 'a log line');
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.connector === 'clickatell');
      assert.equal(warning?.level, 40, 'logged at warn');
      assert.match(warning.msg, /WITHOUT any credential/);
    } finally {
      await gateway.stop(false);
      await store.destroy();
    }
  });
});

describe('provider callbacks: forged and wrongly signed callbacks change nothing', () => {
  let store: TestStore;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let twilio: FakeTwilio;
  let port: number;
  const TOKEN = 'callback-token-456';

  before(async () => {
    port = await freePort();
    twilio = await FakeTwilio.start({});
    store = await sqlite.open();
    gateway = await startTestGateway(store, {
      listen: true,
      config: {
        port,
        // Failed guesses count: three per minute from one address, then 429.
        maxFailedAuthPerMinute: 3,
        connectors: [
          { ...clickatell, baseUrl: 'http://127.0.0.1:9', callbackToken: TOKEN },
          {
            ...readExample('http-twilio-style.json'),
            name: 'twilio',
            url: `${twilio.url}${twilio.messagesPath}`,
            auth: { type: 'basic', username: twilio.accountSid, password: twilio.authToken },
            callbackUrl: `http://127.0.0.1:${port}/callbacks/twilio`,
            callbackSignature: { scheme: 'twilio', key: twilio.authToken },
          } as never,
        ],
        routes: [{ connector: 'twilio' }],
      },
    });
  });
  after(async () => {
    await gateway.stop(false);
    await twilio.close();
    await store.destroy();
  });

  const post = (url: string, payload: string, headers: Record<string, string>, remoteAddress: string) =>
    gateway.http.inject({ method: 'POST', url, payload, headers, remoteAddress });

  it('a forged Clickatell MO "STOP" without the token is refused and opts nobody out', async () => {
    const forged = JSON.stringify({
      event: { moText: [{ from: '447800119998', to: '447800000001', content: 'STOP', timestamp: 1 }] },
    });
    for (const url of ['/callbacks/clickatell', '/callbacks/clickatell?token=guess-guess-guess']) {
      const response = await post(url, forged, { 'content-type': 'application/json' }, '10.9.0.1');
      assert.equal(response.statusCode, 401, url);
    }
    assert.deepEqual(await store.db.selectFrom('inbound_messages').selectAll().execute(), []);
    assert.deepEqual(await store.db.selectFrom('opt_outs').selectAll().execute(), []);
  });

  it('a Twilio status callback is taken only with a valid X-Twilio-Signature of exactly what was sent', async () => {
    const sent = await gateway.http.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: ADMIN_AUTH,
      payload: { to: '+447800112345', from: '+447800000001', text: 'signed' },
    });
    const id = sent.json().messages[0].id as string;
    await waitFor(
      async () => {
        const view = await gateway.http.inject({
          method: 'GET',
          url: `/v1/messages/${id}`,
          headers: ADMIN_AUTH,
        });
        return view.json().status === 'delivered' ? true : undefined;
      },
      20_000,
      'delivered through signed callbacks',
    );

    const url = `http://127.0.0.1:${port}/callbacks/twilio`;
    const params = { MessageSid: 'SM00000000000000000000000000000000', MessageStatus: 'delivered' };
    const form = new URLSearchParams(params).toString();
    const formHeaders = (signature: string) => ({
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
    });
    const wrongKey = twilioSignature('not-the-auth-token', url, params);
    const tampered = twilioSignature(twilio.authToken, url, { ...params, MessageStatus: 'failed' });
    for (const signature of [wrongKey, tampered, '']) {
      const response = await post('/callbacks/twilio', form, formHeaders(signature), '10.9.0.2');
      assert.equal(response.statusCode, 401, signature);
    }
    const good = await post(
      '/callbacks/twilio',
      form,
      formHeaders(twilioSignature(twilio.authToken, url, params)),
      '10.9.0.3',
    );
    assert.equal(good.statusCode, 200, good.body);
  });

  it('failed guesses from one address are slowed down (429), and the right token with them', async () => {
    const body = JSON.stringify({ event: { messageStatusUpdate: [] } });
    const headers = { 'content-type': 'application/json' };
    for (let i = 0; i < 3; i++) {
      const response = await post(
        `/callbacks/clickatell?token=guess-${i}-xxxxxxxx`,
        body,
        headers,
        '10.9.0.9',
      );
      assert.equal(response.statusCode, 401);
    }
    const limited = await post(`/callbacks/clickatell?token=${TOKEN}`, body, headers, '10.9.0.9');
    assert.equal(limited.statusCode, 429, limited.body);
    assert.match(limited.body, /too_many_failed_authentications/);
    const otherAddress = await post(`/callbacks/clickatell?token=${TOKEN}`, body, headers, '10.9.0.10');
    assert.equal(otherAddress.statusCode, 200, otherAddress.body);
  });
});
