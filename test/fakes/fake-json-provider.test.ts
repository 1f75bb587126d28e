import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeJsonProvider, type JsonProviderCallback } from './fake-json-provider.js';
import { postJson, Receiver, request } from './test-support.js';

describe('FakeJsonProvider', () => {
  let receiver: Receiver;
  let fake: FakeJsonProvider;
  const send = (body: Record<string, unknown>, token = fake.token) =>
    postJson(`${fake.url}/api/sms`, body, { authorization: `Bearer ${token}` });

  before(async () => {
    receiver = await Receiver.start();
    fake = await FakeJsonProvider.start({ token: 't0k', statusCallbackUrl: receiver.url('/json') });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('wants Authorization: Bearer <token>', async () => {
    for (const token of ['wrong', '']) {
      const response = await send({ recipient: '447911123456', message: 'x' }, token);
      assert.equal(response.status, 401);
      assert.deepEqual(response.json, {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'invalid or missing token' },
      });
    }
    const bare = await request(`${fake.url}/api/sms`, {
      headers: { 'content-type': 'application/json', authorization: 't0k' },
      body: '{"recipient":"447911123456","message":"x"}',
    });
    assert.equal(bare.status, 401);
    assert.equal(fake.messages.length, 0);
  });

  it('accepts with 200 {ok, result:{id, status}}', async () => {
    const response = await send({
      recipient: '447911123456',
      message: 'hello',
      sender: 'Shop',
      reference: 'r',
    });
    assert.equal(response.status, 200);
    const body = response.json as { ok: boolean; result: { id: string; status: string } };
    assert.equal(body.ok, true);
    assert.equal(body.result.status, 'accepted');
    assert.match(body.result.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [message] = fake.messages;
    assert.deepEqual(
      [message!.id, message!.to, message!.from, message!.text, message!.clientReference],
      [body.result.id, '447911123456', 'Shop', 'hello', 'r'],
    );
  });

  it('refuses invalid recipients (400), rate-limits …0003 twice (429) and bad bodies (400)', async () => {
    for (const recipient of ['+447911123456', '447911120001']) {
      const response = await send({ recipient, message: 'x' });
      assert.equal(response.status, 400);
      assert.equal((response.json as { error: { code: string } }).error.code, 'INVALID_RECIPIENT');
    }
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await send({ recipient: '447911330003', message: 'x' });
      answers.push([response.status, response.headers['retry-after'], (response.json as { ok: boolean }).ok]);
    }
    assert.deepEqual(answers, [
      [429, '1', false],
      [429, '1', false],
      [200, undefined, true],
    ]);
    const noMessage = await send({ recipient: '447911123456' });
    assert.equal(noMessage.status, 400);
    assert.equal((noMessage.json as { error: { code: string } }).error.code, 'BAD_REQUEST');
  });

  it('posts ACCEPTED, then DELIVERED / FAILED / EXPIRED with reasons', async () => {
    await fake.callbacksSettled(); // earlier tests' callbacks
    receiver.received.length = 0;
    for (const [recipient, reference] of [
      ['447911441234', 'd'],
      ['447911440000', 'f'],
      ['447911440002', 'e'],
    ]) {
      await send({ recipient, message: 'x', reference });
    }
    await send({ recipient: '447911445555', message: 'x' });
    await fake.callbacksSettled();
    const callbacks = receiver.acknowledgedJson<JsonProviderCallback>();
    const of = (reference: string | null) =>
      callbacks.filter((c) => c.reference === reference).map((c) => [c.state, c.reason]);
    assert.deepEqual(of('d'), [
      ['ACCEPTED', null],
      ['DELIVERED', null],
    ]);
    assert.deepEqual(of('f'), [
      ['ACCEPTED', null],
      ['FAILED', 'handset unreachable'],
    ]);
    assert.deepEqual(of('e'), [
      ['ACCEPTED', null],
      ['EXPIRED', 'validity period expired'],
    ]);
    assert.deepEqual(of(null), [
      ['ACCEPTED', null],
      ['DELIVERED', null],
    ]);
    const delivered = fake.messages.find((m) => m.clientReference === 'd')!;
    const first = callbacks.find((c) => c.reference === 'd')!;
    assert.equal(first.id, delivered.id);
    assert.equal(new Date(first.at).toISOString(), first.at);
    assert.ok(receiver.received.every((r) => r.path === '/json'));
  });
});
