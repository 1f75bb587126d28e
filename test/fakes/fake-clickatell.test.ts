import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ClickatellMessageResult,
  type ClickatellStatusUpdate,
  FakeClickatell,
  HTTP_SEND_PATH,
} from './fake-clickatell.js';
import { postJson, Receiver, request } from './test-support.js';

interface Envelope {
  integrationId: string;
  integrationName: string;
  event: { messageStatusUpdate?: ClickatellStatusUpdate[]; moText?: Record<string, unknown>[] };
}

const sms = (to: string, clientMessageId?: string) => ({
  channel: 'sms',
  to,
  content: 'hi',
  clientMessageId,
});

describe('FakeClickatell', () => {
  let receiver: Receiver;
  let fake: FakeClickatell;
  const send = (messages: unknown[], key = fake.apiKey) =>
    postJson(`${fake.url}/v1/message`, { messages }, { authorization: key });

  before(async () => {
    receiver = await Receiver.start();
    fake = await FakeClickatell.start({
      apiKey: 'key-1',
      statusCallbackUrl: receiver.url('/status'),
      moCallbackUrl: receiver.url('/mo'),
      integrationId: 'int-1',
      integrationName: 'fake',
    });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('wants the bare API key in Authorization', async () => {
    const unauthorized = {
      messages: [],
      error: { code: 1, description: 'Invalid or missing Integration API Key' },
    };
    for (const key of ['Bearer key-1', 'key-2']) {
      const response = await send([sms('447911123456')], key);
      assert.equal(response.status, 401);
      assert.deepEqual(response.json, unauthorized);
    }
    const missing = await request(`${fake.url}/v1/message`, { body: '{"messages":[]}' });
    assert.equal(missing.status, 401);
    assert.equal(fake.messages.length, 0);
  });

  it('answers 400 code 21 to malformed payloads and code 22 past 200 messages', async () => {
    const notJson = await request(`${fake.url}/v1/message`, {
      headers: { 'content-type': 'application/json', authorization: 'key-1' },
      body: '{"messages":',
    });
    assert.equal(notJson.status, 400);
    assert.equal((notJson.json as Envelope & { error: { code: number } }).error.code, 21);
    const noContent = await send([{ channel: 'sms', to: '447911123456' }]);
    assert.deepEqual((noContent.json as { error: unknown }).error, {
      code: 21,
      description: 'Malformed request payload',
    });
    const tooMany = await send(Array.from({ length: 201 }, () => sms('447911123456')));
    assert.equal(tooMany.status, 400);
    assert.deepEqual(tooMany.json, { messages: [], error: { code: 22, description: 'Too many messages' } });
    assert.equal(fake.messages.length, 0);
  });

  it('answers 202 all accepted, 207 mixed, 400 none, with per-message results', async () => {
    const all = await send([sms('447911123456', 'a1'), sms('447911123457', 'a2')]);
    assert.equal(all.status, 202);
    const mixed = await send([sms('447911123458', 'b1'), sms('447911120001', 'b2'), sms('+447911123459')]);
    assert.equal(mixed.status, 207);
    const results = (mixed.json as { messages: Record<string, unknown>[]; error: null }).messages;
    assert.equal((mixed.json as { error: unknown }).error, null);
    assert.match(String(results[0]!.apiMessageId), /^[0-9a-f]{32}$/);
    assert.deepEqual(
      { ...results[0], apiMessageId: 'x' },
      { apiMessageId: 'x', accepted: true, to: '447911123458', error: null },
    );
    const invalid = { code: 25, description: 'Invalid recipient address' };
    assert.deepEqual(results[1], { accepted: false, to: '447911120001', error: invalid });
    assert.deepEqual(results[2], { accepted: false, to: '+447911123459', error: invalid });
    const none = await send([sms('447911120001')]);
    assert.equal(none.status, 400);
    assert.equal((none.json as { messages: { accepted: boolean }[] }).messages[0]!.accepted, false);
    assert.deepEqual(
      fake.messages
        .slice(-3)
        .map((m) => [m.to, m.clientReference, m.text, m.id === results[0]!.apiMessageId]),
      [
        ['447911123456', 'a1', 'hi', false],
        ['447911123457', 'a2', 'hi', false],
        ['447911123458', 'b1', 'hi', true],
      ],
    );
  });

  it('rate-limits a …0003 number twice (code 43), then accepts it', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await send([sms('447911990003', 'thr')]);
      const result = (response.json as { messages: { error: { code: number } | null }[] }).messages[0]!;
      codes.push([response.status, result.error?.code ?? null]);
    }
    assert.deepEqual(codes, [
      [400, 43],
      [400, 43],
      [202, null],
    ]);
    assert.equal(fake.acceptedCount('thr'), 1);
  });

  it('reports SENT_TO_SUPPLIER then the final status in One API envelopes', async () => {
    receiver.received.length = 0;
    await send([sms('447911551234', 'd'), sms('447911550000', 'u'), sms('447911550002', 'e')]);
    await fake.callbacksSettled();
    const updates = receiver
      .acknowledgedJson<Envelope>()
      .map((e) => {
        assert.deepEqual([e.integrationId, e.integrationName], ['int-1', 'fake']);
        return e.event.messageStatusUpdate![0]!;
      })
      .filter((u) => ['d', 'u', 'e'].includes(u.clientMessageId!));
    const byRef = (ref: string) => updates.filter((u) => u.clientMessageId === ref);
    assert.deepEqual(
      byRef('d').map((u) => [u.statusCode, u.status]),
      [
        [4, 'SENT_TO_SUPPLIER'],
        [5, 'DEVICE_ACK'],
      ],
    );
    assert.deepEqual(
      byRef('u').map((u) => [u.statusCode, u.status]),
      [
        [4, 'SENT_TO_SUPPLIER'],
        [23, 'DELIVERY_FAILURE'],
      ],
    );
    assert.deepEqual(
      byRef('e').map((u) => [u.statusCode, u.status]),
      [
        [4, 'SENT_TO_SUPPLIER'],
        [20, 'EXPIRED'],
      ],
    );
    const delivered = fake.messages.find((m) => m.clientReference === 'd')!;
    assert.ok(byRef('d').every((u) => u.messageId === delivered.id && u.channel === 'sms'));
    assert.ok(byRef('d')[0]!.timestamp < byRef('d')[1]!.timestamp);
  });

  it('takes the Platform HTTP GET send: key and message in the query, every `to` a recipient', async () => {
    const get = (query: Record<string, string> | string) =>
      request(`${fake.url}${HTTP_SEND_PATH}?${new URLSearchParams(query).toString()}`, { method: 'GET' });
    const wrongKey = await get({ apiKey: 'key-2', to: '447911123456', content: 'x' });
    assert.equal(wrongKey.status, 401);
    assert.equal((wrongKey.json as { error: { code: number } }).error.code, 1);
    assert.equal((await get({ apiKey: 'key-1', to: '447911123456' })).status, 400, 'no content');
    const before = fake.messages.length;
    const one = await get({ apiKey: 'key-1', to: '447911223344', content: 'a&b=c', from: 'Shop' });
    assert.equal(one.status, 202);
    const [result] = (one.json as { messages: ClickatellMessageResult[] }).messages;
    assert.equal(result!.accepted, true);
    assert.deepEqual(
      fake.messages.slice(before).map((m) => [m.id, m.to, m.from, m.text]),
      [[result!.apiMessageId, '447911223344', 'Shop', 'a&b=c']],
    );
    const many = await get('apiKey=key-1&to=447911223345,447911223346&to=447911223347&content=hi');
    assert.equal(many.status, 202);
    assert.deepEqual(
      fake.messages.slice(before + 1).map((m) => [m.to, m.from]),
      [
        ['447911223345', undefined],
        ['447911223346', undefined],
        ['447911223347', undefined],
      ],
    );
    const refused = await get({ apiKey: 'key-1', to: '447911220001', content: 'x' });
    assert.equal(refused.status, 400);
    assert.equal((refused.json as { messages: ClickatellMessageResult[] }).messages[0]!.error?.code, 25);
  });

  it('posts MO messages as event.moText', async () => {
    // The earlier tests' status callbacks are all in before this one's MO is looked for.
    await fake.callbacksSettled();
    receiver.received.length = 0;
    const mo = { from: '447911123456', to: '27999000001', content: 'yes', relatedMessageId: 'abc' };
    const sent = await fake.sendInbound(mo);
    assert.equal(sent.acknowledged, true);
    const [received] = await receiver.waitFor(1);
    assert.equal(received!.path, '/mo');
    const moText = (JSON.parse(received!.body) as Envelope).event.moText![0]!;
    assert.equal(typeof moText.timestamp, 'number');
    assert.deepEqual(
      { ...moText, timestamp: 0 },
      { channel: 'sms', messageId: sent.messageId, ...mo, timestamp: 0, charset: 'UTF-8' },
    );
  });
});

describe('FakeClickatell callback options', () => {
  it('duplicateCallbacks sends every status callback twice', async () => {
    const receiver = await Receiver.start();
    const fake = await FakeClickatell.start({ statusCallbackUrl: receiver.url(), duplicateCallbacks: true });
    await postJson(
      `${fake.url}/v1/message`,
      { messages: [sms('447911123456', 'dup')] },
      { authorization: fake.apiKey },
    );
    await fake.callbacksSettled();
    const codes = receiver
      .acknowledgedJson<Envelope>()
      .map((e) => e.event.messageStatusUpdate![0]!.statusCode);
    assert.deepEqual(codes, [4, 4, 5, 5]);
    assert.equal(receiver.received[0]!.body, receiver.received[1]!.body);
    await fake.close();
    await receiver.close();
  });

  it('shuffleCallbacks sends the final status first; timestamps still order them', async () => {
    const receiver = await Receiver.start();
    const fake = await FakeClickatell.start({ statusCallbackUrl: receiver.url(), shuffleCallbacks: true });
    await postJson(
      `${fake.url}/v1/message`,
      { messages: [sms('447911123456', 'shuf')] },
      { authorization: fake.apiKey },
    );
    await fake.callbacksSettled();
    const updates = receiver.acknowledgedJson<Envelope>().map((e) => e.event.messageStatusUpdate![0]!);
    assert.deepEqual(
      updates.map((u) => u.statusCode),
      [5, 4],
    );
    assert.ok(updates[0]!.timestamp > updates[1]!.timestamp);
    await fake.close();
    await receiver.close();
  });
});
