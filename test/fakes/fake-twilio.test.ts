import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FakeTwilio, twilioSignature } from './fake-twilio.js';
import { basic, postForm, type Received, Receiver } from './test-support.js';

/** Twilio's signature, computed here from the documented recipe (not with the fake's code). */
function expectedSignature(token: string, url: string, body: string): string {
  const params = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let data = url;
  for (const [name, value] of params) data += name + value;
  return createHmac('sha1', Buffer.from(token, 'utf8')).update(Buffer.from(data, 'utf8')).digest('base64');
}

const form = (received: Received) => Object.fromEntries(new URLSearchParams(received.body));

describe('FakeTwilio', () => {
  let receiver: Receiver;
  let fake: FakeTwilio;
  const send = (params: Record<string, string>, auth = basic(fake.accountSid, fake.authToken)) =>
    postForm(fake.url + fake.messagesPath, params, { authorization: auth });
  const message = (to: string) => ({ To: to, From: '+15005550006', Body: 'hi there' });

  before(async () => {
    receiver = await Receiver.start();
    fake = await FakeTwilio.start({ inboundUrl: receiver.url('/inbound?x=1') });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('signs like the published Twilio example', () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    assert.equal(twilioSignature('12345', url, params), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('wants Basic AccountSid:AuthToken', async () => {
    const response = await send(message('+447911123456'), basic(fake.accountSid, 'nope'));
    assert.equal(response.status, 401);
    assert.deepEqual(response.json, {
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    assert.equal(fake.messages.length, 0);
  });

  it('creates a queued Message resource (201)', async () => {
    const response = await send(message('+447911123456'));
    assert.equal(response.status, 201);
    const body = response.json as Record<string, unknown>;
    assert.match(String(body.sid), /^SM[0-9a-f]{32}$/);
    assert.deepEqual(
      [body.status, body.to, body.from, body.body, body.error_code, body.error_message, body.num_segments],
      ['queued', '+447911123456', '+15005550006', 'hi there', null, null, '1'],
    );
    assert.equal(body.account_sid, fake.accountSid);
    assert.equal(fake.messages.at(-1)!.id, body.sid);
  });

  it('refuses bad numbers (21211), missing fields and a …0003 number twice (429)', async () => {
    const invalid = await send(message('+447911120001'));
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.json, {
      code: 21211,
      message: "The 'To' number +447911120001 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
    assert.equal((await send(message('447911123456'))).status, 400);
    const noBody = await send({ To: '+447911123456', From: '+15005550006' });
    assert.equal((noBody.json as { code: number }).code, 21602);
    const statuses: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await send(message('+447911770003'));
      statuses.push([response.status, (response.json as { code?: number }).code ?? null]);
    }
    assert.deepEqual(statuses, [
      [429, 20429],
      [429, 20429],
      [201, null],
    ]);
  });

  it('posts signed status callbacks to StatusCallback', async () => {
    receiver.received.length = 0;
    const url = receiver.url('/status?tenant=acme&id=7');
    const sids: Record<string, string> = {};
    for (const to of ['+447911881234', '+447911880000', '+447911880002']) {
      const response = await send({ ...message(to), StatusCallback: url });
      sids[to] = (response.json as { sid: string }).sid;
    }
    await fake.callbacksSettled();
    for (const received of receiver.received) {
      assert.equal(received.headers['content-type'], 'application/x-www-form-urlencoded');
      const signature = received.headers['x-twilio-signature'];
      assert.equal(signature, expectedSignature(fake.authToken, url, received.body));
      assert.notEqual(signature, expectedSignature('other-token', url, received.body));
    }
    const of = (to: string) =>
      receiver.received
        .map(form)
        .filter((p) => p.MessageSid === sids[to])
        .map((p) => [p.MessageStatus, p.ErrorCode]);
    assert.deepEqual(of('+447911881234'), [
      ['sent', undefined],
      ['delivered', undefined],
    ]);
    assert.deepEqual(of('+447911880000'), [
      ['sent', undefined],
      ['undelivered', '30003'],
    ]);
    assert.deepEqual(of('+447911880002'), [['failed', '30036']]);
    const first = form(receiver.received[0]!);
    assert.deepEqual(
      [first.AccountSid, first.To, first.From, first.ApiVersion, first.SmsSid],
      [fake.accountSid, '+447911881234', '+15005550006', '2010-04-01', first.MessageSid],
    );
  });

  it('sends no callbacks without StatusCallback, and posts signed inbound messages', async () => {
    receiver.received.length = 0;
    await send(message('+447911123456'));
    await fake.callbacksSettled();
    assert.equal(receiver.received.length, 0);
    const sent = await fake.sendInbound({ from: '+447911123456', to: '+15005550006', body: 'STOP' });
    assert.equal(sent.acknowledged, true);
    const [received] = await receiver.waitFor(1);
    const params = form(received!);
    assert.deepEqual(
      [params.MessageSid, params.From, params.To, params.Body],
      [sent.messageSid, '+447911123456', '+15005550006', 'STOP'],
    );
    const url = receiver.url('/inbound?x=1');
    assert.equal(
      received!.headers['x-twilio-signature'],
      expectedSignature(fake.authToken, url, received!.body),
    );
  });
});
