import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeGrandcom, type GrandcomMessageResult, type GrandcomStatusCallback } from './fake-grandcom.js';
import { basic, postJson, Receiver } from './test-support.js';

const sms = (to: string, clientMessageId?: string) => ({
  channel: 'sms',
  to,
  content: 'hello',
  clientMessageId,
});

describe('FakeGrandcom', () => {
  let receiver: Receiver;
  let fake: FakeGrandcom;
  const send = (messages: unknown[], auth = basic(fake.username, fake.password)) =>
    postJson(`${fake.url}/api/v1/messages`, { messages }, { authorization: auth });

  before(async () => {
    receiver = await Receiver.start();
    fake = await FakeGrandcom.start({ username: 'u', password: 'p', statusCallbackUrl: receiver.url() });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('wants HTTP Basic with its username and password', async () => {
    for (const auth of [basic('u', 'wrong'), 'Bearer p', '']) {
      const response = await send([sms('+447911123456', 'x')], auth);
      assert.equal(response.status, 401);
      assert.deepEqual(response.json, { messages: [], error: 'unauthorized' });
    }
    assert.equal(fake.messages.length, 0);
  });

  it('refuses more than 100 messages', async () => {
    const response = await send(Array.from({ length: 101 }, (_, i) => sms('+447911123456', `m${i}`)));
    assert.equal(response.status, 400);
    assert.deepEqual(response.json, { messages: [], error: 'too many messages' });
  });

  it('answers 200 with per-message results and hasError', async () => {
    const response = await send([
      sms('+447911123456', 'ok'),
      sms('447911123456', 'no-plus'),
      sms('+447911120001', 'invalid'),
      sms('+447911123457'),
    ]);
    assert.equal(response.status, 200);
    const body = response.json as { messages: GrandcomMessageResult[]; error: null };
    assert.equal(body.error, null);
    const [ok, noPlus, invalid, noRef] = body.messages;
    assert.match(ok!.apiMessageId!, /^GC-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(ok, {
      apiMessageId: ok!.apiMessageId,
      accepted: true,
      to: '+447911123456',
      error: null,
      hasError: false,
    });
    const refused = (to: string, error: string) => ({ accepted: false, hasError: true, to, error });
    assert.deepEqual(noPlus, refused('447911123456', 'invalid destination'));
    assert.deepEqual(invalid, refused('+447911120001', 'invalid destination'));
    assert.deepEqual(noRef, refused('+447911123457', 'missing clientMessageId'));
    assert.deepEqual(
      fake.messages.map((m) => [m.id, m.clientReference, m.text]),
      [[ok!.apiMessageId, 'ok', 'hello']],
    );
  });

  it('throttles a …0003 number twice, then accepts it', async () => {
    const seen: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await send([sms('+447911550003', 'thr')]);
      const result = (response.json as { messages: GrandcomMessageResult[] }).messages[0]!;
      seen.push([response.status, result.accepted, result.error]);
    }
    assert.deepEqual(seen, [
      [200, false, 'throttled'],
      [200, false, 'throttled'],
      [200, true, null],
    ]);
  });

  it('posts SENT, then DELIVERED / UNDELIVERED / EXPIRED', async () => {
    receiver.received.length = 0;
    await send([sms('+447911661234', 'd'), sms('+447911660000', 'u'), sms('+447911660002', 'e')]);
    await fake.callbacksSettled();
    const callbacks = receiver.acknowledgedJson<GrandcomStatusCallback>();
    const of = (ref: string) =>
      callbacks.filter((c) => c.clientMessageId === ref).map((c) => [c.status, c.error]);
    assert.deepEqual(of('d'), [
      ['SENT', null],
      ['DELIVERED', null],
    ]);
    assert.deepEqual(of('u'), [
      ['SENT', null],
      ['UNDELIVERED', 'delivery failed'],
    ]);
    assert.deepEqual(of('e'), [
      ['SENT', null],
      ['EXPIRED', 'validity period expired'],
    ]);
    const delivered = fake.messages.find((m) => m.clientReference === 'd')!;
    const first = callbacks.find((c) => c.clientMessageId === 'd')!;
    assert.equal(first.apiMessageId, delivered.id);
    assert.equal(first.to, '+447911661234');
    assert.equal(new Date(first.timestamp).toISOString(), first.timestamp);
  });
});
