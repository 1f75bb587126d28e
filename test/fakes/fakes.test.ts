// The machinery every fake shares (failure injection, down/up, black hole, callback retries,
// duplicate counting), run against all four fakes where it is per provider.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClickatell } from './fake-clickatell.js';
import { FakeGrandcom } from './fake-grandcom.js';
import { FakeJsonProvider, type JsonProviderCallback } from './fake-json-provider.js';
import type { FakeProvider } from './fake-provider-base.js';
import { FakeTwilio } from './fake-twilio.js';
import { basic, type HttpResult, postForm, postJson, Receiver, request } from './test-support.js';

interface Case {
  readonly name: string;
  start(): Promise<FakeProvider>;
  /** Sends one message to a number ending in `last4`. */
  send(fake: FakeProvider, last4: string): Promise<HttpResult>;
  readonly okStatus: number;
  readonly failures: Readonly<Record<500 | 503, unknown>>;
}

const twilioError = (code: number, message: string, status: number) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

const CASES: readonly Case[] = [
  {
    name: 'clickatell',
    start: () => FakeClickatell.start(),
    send: (fake, last4) =>
      postJson(
        `${fake.url}/v1/message`,
        { messages: [{ channel: 'sms', to: `4479112${last4}`, content: 'x' }] },
        { authorization: (fake as FakeClickatell).apiKey },
      ),
    okStatus: 202,
    failures: {
      500: { messages: [], error: { code: 18, description: 'Internal error' } },
      503: { messages: [], error: { code: 19, description: 'Internal error, please retry' } },
    },
  },
  {
    name: 'grandcom',
    start: () => FakeGrandcom.start(),
    send: (fake, last4) => {
      const { username, password } = fake as FakeGrandcom;
      const messages = [{ channel: 'sms', to: `+4479112${last4}`, content: 'x', clientMessageId: last4 }];
      return postJson(
        `${fake.url}/api/v1/messages`,
        { messages },
        { authorization: basic(username, password) },
      );
    },
    okStatus: 200,
    failures: {
      500: { messages: [], error: 'service unavailable' },
      503: { messages: [], error: 'service unavailable' },
    },
  },
  {
    name: 'twilio',
    start: () => FakeTwilio.start(),
    send: (fake, last4) => {
      const twilio = fake as FakeTwilio;
      return postForm(
        fake.url + twilio.messagesPath,
        { To: `+4479112${last4}`, From: '+15005550006', Body: 'x' },
        { authorization: basic(twilio.accountSid, twilio.authToken) },
      );
    },
    okStatus: 201,
    failures: {
      500: twilioError(20500, 'Internal Server Error', 500),
      503: twilioError(20503, 'Service Unavailable', 503),
    },
  },
  {
    name: 'json',
    start: () => FakeJsonProvider.start(),
    send: (fake, last4) =>
      postJson(
        `${fake.url}/api/sms`,
        { recipient: `4479112${last4}`, message: 'x' },
        { authorization: `Bearer ${(fake as FakeJsonProvider).token}` },
      ),
    okStatus: 200,
    failures: {
      500: { ok: false, error: { code: 'INTERNAL', message: 'internal error' } },
      503: { ok: false, error: { code: 'INTERNAL', message: 'internal error' } },
    },
  },
];

for (const c of CASES) {
  describe(`fake ${c.name}: failure injection`, () => {
    it('failNext answers the next sends with the error, then sends work again', async () => {
      const fake = await c.start();
      fake.failNext(2, 503);
      fake.failNext(1, 500);
      const notSend = await request(`${fake.url}/elsewhere`, { method: 'GET' });
      assert.equal(notSend.status, 404, 'failNext only fails sends');
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await c.send(fake, '1234'));
      assert.deepEqual(
        answers.map((a) => a.status),
        [503, 503, 500, c.okStatus],
      );
      assert.deepEqual(answers[0]!.json, c.failures[503]);
      assert.deepEqual(answers[2]!.json, c.failures[500]);
      assert.deepEqual(
        fake.requests.map((r) => r.status),
        [404, 503, 503, 500, c.okStatus],
      );
      assert.equal(fake.messages.length, 1);
      assert.equal(fake.messages[0]!.requestIndex, 4);
      await fake.close();
    });

    it('down refuses connections; up listens again on the same port', async () => {
      const fake = await c.start();
      const url = fake.url;
      await fake.down();
      await assert.rejects(c.send(fake, '1234'), { code: 'ECONNREFUSED' });
      await fake.up();
      assert.equal(fake.url, url);
      assert.equal((await c.send(fake, '1234')).status, c.okStatus);
      await fake.close();
    });

    it('a black hole records requests and never answers them', async () => {
      const fake = await c.start();
      fake.blackhole(true);
      const held = c.send(fake, '1234');
      await assert.rejects(request(`${fake.url}/anything`, { method: 'GET', timeoutMs: 300 }), {
        code: 'TIMEOUT',
      });
      assert.equal(fake.requests.length, 2);
      assert.ok(fake.requests.every((r) => r.status === undefined));
      fake.blackhole(false);
      assert.equal((await c.send(fake, '1235')).status, c.okStatus);
      await fake.close();
      await assert.rejects(held);
      assert.equal(fake.messages.length, 1);
    });
  });
}

describe('fake providers: callbacks and records', () => {
  const sendJson = (fake: FakeJsonProvider, body: Record<string, unknown>) =>
    postJson(`${fake.url}/api/sms`, body, { authorization: `Bearer ${fake.token}` });

  it('retries a callback the receiver answered 500 until it is acknowledged', async () => {
    const receiver = await Receiver.start((i) => (i < 2 ? 500 : 200));
    const fake = await FakeJsonProvider.start({
      statusCallbackUrl: receiver.url('/cb'),
      callbackRetryMs: 20,
    });
    await sendJson(fake, { recipient: '447911123456', message: 'm', reference: 'r1' });
    await fake.callbacksSettled();
    const states = receiver.received.map((r) => [
      (JSON.parse(r.body) as JsonProviderCallback).state,
      r.answered,
    ]);
    assert.deepEqual(states, [
      ['ACCEPTED', 500],
      ['ACCEPTED', 500],
      ['ACCEPTED', 200],
      ['DELIVERED', 200],
    ]);
    assert.equal(receiver.received[0]!.body, receiver.received[2]!.body);
    assert.deepEqual(
      fake.callbackAttempts.map((a) => [a.callback.label, a.attempt, a.status]),
      [
        ['ACCEPTED', 1, 500],
        ['ACCEPTED', 2, 500],
        ['ACCEPTED', 3, 200],
        ['DELIVERED', 1, 200],
      ],
    );
    await fake.close();
    await receiver.close();
  });

  it('retries a refused callback, then gives up after callbackRetries', async () => {
    const receiver = await Receiver.start();
    const url = receiver.url('/gone');
    await receiver.close();
    const fake = await FakeJsonProvider.start({
      statusCallbackUrl: url,
      callbackRetries: 2,
      callbackRetryMs: 10,
    });
    await sendJson(fake, { recipient: '447911123456', message: 'm' });
    await fake.callbacksSettled();
    assert.deepEqual(
      fake.callbackAttempts.map((a) => [a.callback.label, a.attempt, a.status, a.error]),
      [
        ['ACCEPTED', 1, undefined, 'ECONNREFUSED'],
        ['ACCEPTED', 2, undefined, 'ECONNREFUSED'],
        ['ACCEPTED', 3, undefined, 'ECONNREFUSED'],
        ['DELIVERED', 1, undefined, 'ECONNREFUSED'],
        ['DELIVERED', 2, undefined, 'ECONNREFUSED'],
        ['DELIVERED', 3, undefined, 'ECONNREFUSED'],
      ],
    );
    await fake.close();
  });

  it('counts accepted messages per client reference to expose duplicates', async () => {
    const fake = await FakeJsonProvider.start();
    for (const reference of ['a', 'b', 'a']) {
      await sendJson(fake, { recipient: '447911123456', message: 'm', reference, sender: 'Shop' });
    }
    await sendJson(fake, { recipient: '447911123456', message: 'no ref' });
    await sendJson(fake, { recipient: '447911123456', message: 'no ref' });
    assert.deepEqual(
      fake.messages.map((m) => [m.clientReference, m.referenceCount, m.from]),
      [
        ['a', 1, 'Shop'],
        ['b', 1, 'Shop'],
        ['a', 2, 'Shop'],
        [undefined, 1, undefined],
        [undefined, 2, undefined],
      ],
    );
    assert.equal(fake.acceptedCount('a'), 2);
    assert.equal(fake.acceptedCount('c'), 0);
    await fake.close();
  });

  it('starts on a fixed port (for restarts)', async () => {
    const first = await FakeGrandcom.start();
    const port = first.port;
    await first.close();
    const second = await FakeGrandcom.start({ port });
    assert.equal(second.url, `http://127.0.0.1:${port}`);
    assert.equal((await request(`${second.url}/api/v1/messages`, { body: '{}' })).status, 401);
    await second.close();
  });
});
