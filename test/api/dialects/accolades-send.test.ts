// Seed 003's `POST /<accountNumber>/sms/send` on a real gateway: every parameter and what it becomes,
// every answer the dialect documents (docs/dialects/accolades.md) from the request that produces it,
// and malformed bodies refused in the API's own shape with nothing stored.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import {
  type AccoladesAccount,
  assertError,
  assertOk,
  FORM,
  provisionAccolades,
  sendForm,
  sendMultipart,
} from './accolades-support.js';

await describeEachDatabase(
  'accolades sms/send',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let caller: AccoladesAccount;
    let romanian: AccoladesAccount;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, {
        config: { webhooks: { allowPrivateAddresses: true }, defaultRegion: undefined },
      });
      caller = await provisionAccolades(gateway);
      romanian = await provisionAccolades(gateway, { region: 'ro' });
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    const send = (fields: Record<string, string> | string, who = caller, contentType = FORM) =>
      gateway.http.inject(sendForm(who.accountNumber, fields, contentType));
    const valid = (extra: Record<string, string> = {}, who = caller) => ({
      password: who.password,
      phoneNumber: '+447911123456',
      message: 'Hello from the CRM',
      ...extra,
    });
    const row = (id: string) =>
      store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    /** Asserts the refusal and that nothing was stored by it. */
    async function refused(
      request: () => Promise<LightMyRequestResponse>,
      status: number,
      message: RegExp,
    ): Promise<string> {
      const before = await count();
      const text = assertError(await request(), status, message);
      assert.equal(await count(), before, 'nothing stored');
      return text;
    }

    it('answers { "type" : "ok" } and stores what each parameter says', async () => {
      const id = assertOk(
        await send(
          valid({
            phoneNumber: '+40 721 000 001',
            message: 'Bună ziua, comanda #17 a plecat',
            sendResultTo: receiver.url('/accolades/result?crm=1'),
            messageId: 'crm-17',
          }),
        ),
      );
      const stored = await row(id);
      assert.equal(stored.account_id, caller.accountId);
      assert.equal(stored.to_number, '+40721000001');
      assert.equal(stored.body, 'Bună ziua, comanda #17 a plecat');
      assert.equal(stored.client_ref, 'crm-17');
      assert.equal(stored.callback_url, receiver.url('/accolades/result?crm=1'));
      assert.equal(stored.callback_format, 'accolades');
      assert.equal(stored.sender, null, 'the API has no sender: the route decides');
    });

    it('takes the same parameters as multipart/form-data', async () => {
      const id = assertOk(
        await gateway.http.inject(
          sendMultipart(caller.accountNumber, {
            password: caller.password,
            phoneNumber: '+447911123457',
            message: 'Înregistrare confirmată ✓',
            messageId: 'mp-1',
          }),
        ),
      );
      const stored = await row(id);
      assert.equal(stored.to_number, '+447911123457');
      assert.equal(stored.body, 'Înregistrare confirmată ✓');
      assert.equal(stored.client_ref, 'mp-1');
      assert.equal(stored.encoding, 'ucs2');
    });

    it('without sendResultTo (or with an empty one) there is no notification; an empty messageId is none', async () => {
      const extras: Record<string, string>[] = [
        {},
        { sendResultTo: '' },
        { sendResultTo: '   ', messageId: '' },
      ];
      for (const extra of extras) {
        const stored = await row(assertOk(await send(valid(extra))));
        assert.equal(stored.callback_url, null, JSON.stringify(extra));
        assert.equal(stored.callback_format, null, 'account webhooks keep the native format');
        assert.equal(stored.client_ref, null);
      }
    });

    it('ignores fields the seed does not define, and accepts them in any order', async () => {
      const body = `submit=Send&message=order+ready&x=1&phoneNumber=%2B447911123458&password=${encodeURIComponent(caller.password)}`;
      const stored = await row(assertOk(await send(body)));
      assert.equal(stored.to_number, '+447911123458');
      assert.equal(stored.body, 'order ready');
    });

    it('messageId is a label, not an idempotency key: the same one twice sends twice', async () => {
      const first = assertOk(await send(valid({ messageId: 'same' })));
      const second = assertOk(await send(valid({ messageId: 'same' })));
      assert.notEqual(first, second);
      assert.equal((await row(second)).client_ref, 'same');
    });

    it('national numbers are read in the credential’s region: 0721 000 000 from a Romanian application', async () => {
      for (const [given, e164] of [
        ['0721 000 000', '+40721000000'],
        ['0721-000-001', '+40721000001'],
        ['0040721000002', '+40721000002'],
        ['+447911123456', '+447911123456'],
      ] as const) {
        const stored = await row(assertOk(await send(valid({ phoneNumber: given }, romanian), romanian)));
        assert.equal(stored.to_number, e164, given);
        assert.equal(stored.account_id, romanian.accountId);
      }
    });

    it('without a region (credential or gateway), a national number is a 400 asking for E.164', async () => {
      await refused(
        () => send(valid({ phoneNumber: '0721 000 000' })),
        400,
        /^phoneNumber "0721 000 000" is not a valid phone number \(use E\.164, e\.g\. \+447911123456\)$/,
      );
      // The same number is national in Romania only: the other region does not make it valid.
      await refused(
        () => send(valid({ phoneNumber: '0721 00' }, romanian), romanian),
        400,
        /^phoneNumber "0721 00" is not a valid phone number$/,
      );
    });

    it('400 names every bad parameter in one message', async () => {
      const text = await refused(
        () => send({ password: caller.password }),
        400,
        /^phoneNumber is empty; message must not be empty$/,
      );
      assert.ok(text.length > 0);
      await refused(
        () => send(valid({ phoneNumber: 'call me', message: 'x'.repeat(1601), messageId: 'm'.repeat(257) })),
        400,
        /^phoneNumber "call me" is not a valid phone number.*; message has 1601 characters; at most 1600 are allowed; messageId is longer than 256 characters$/,
      );
    });

    it('sendResultTo must be an http(s) URL of at most 2,000 characters that the SSRF guard allows', async () => {
      await refused(
        () => send(valid({ sendResultTo: 'not a url' })),
        400,
        /^sendResultTo "not a url" is not a valid URL$/,
      );
      await refused(
        () => send(valid({ sendResultTo: 'ftp://example.com/x' })),
        400,
        /^sendResultTo must be an http or https URL$/,
      );
      await refused(
        () => send(valid({ sendResultTo: 'http://169.254.169.254/latest/meta-data' })),
        400,
        /^sendResultTo is not allowed: /,
      );
      await refused(
        () => send(valid({ sendResultTo: 'https://user:pass@example.com/x' })),
        400,
        /^sendResultTo is not allowed: /,
      );
      const long = `https://example.com/${'a'.repeat(2000 - 'https://example.com/'.length + 1)}`;
      await refused(
        () => send(valid({ sendResultTo: long })),
        400,
        /^sendResultTo is 2001 characters long; at most 2000 are allowed$/,
      );
      const exact = `https://example.com/${'a'.repeat(2000 - 'https://example.com/'.length)}`;
      assert.equal((await row(assertOk(await send(valid({ sendResultTo: exact }))))).callback_url, exact);
    });

    it('a parameter sent twice is a 400 (which one would be meant?)', async () => {
      const password = encodeURIComponent(caller.password);
      await refused(
        () => send(`password=${password}&phoneNumber=%2B447911123456&phoneNumber=%2B447911123457&message=hi`),
        400,
        /^phoneNumber was sent 2 times; send it once$/,
      );
      await refused(
        () => send(`password=${password}&password=${password}&phoneNumber=%2B447911123456&message=hi`),
        400,
        /^password was sent 2 times; send it once$/,
      );
    });

    it('malformed bodies are a 400 in the API’s shape, never a 5xx', async () => {
      const password = encodeURIComponent(caller.password);
      const cases: [string, Buffer | string, string, RegExp][] = [
        [
          'bytes that are not UTF-8',
          Buffer.from([0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x3d, 0xff]),
          FORM,
          /not valid UTF-8/,
        ],
        [
          'percent-escapes that are not UTF-8',
          `password=${password}&phoneNumber=%2B447911123456&message=%E2%82`,
          FORM,
          /percent-escapes in field "message" are not valid UTF-8/,
        ],
        [
          'a NUL character',
          `password=${password}&phoneNumber=%2B447911123456&message=a%00b`,
          FORM,
          /^message contains a NUL character$/,
        ],
        [
          'multipart without a boundary',
          'password=x',
          'multipart/form-data',
          /^multipart\/form-data needs a boundary parameter in its Content-Type$/,
        ],
        [
          'multipart cut short',
          '--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nsecret',
          'multipart/form-data; boundary=b',
          /^Malformed multipart body/,
        ],
        [
          'a multipart file that is not text',
          '--b\r\nContent-Disposition: form-data; name="message"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b--\r\n',
          'multipart/form-data; boundary=b',
          /is a file of type image\/png; only text parts are accepted/,
        ],
        [
          'multipart bytes that are not UTF-8',
          Buffer.concat([
            Buffer.from('--b\r\nContent-Disposition: form-data; name="message"\r\n\r\n'),
            Buffer.from([0xc3, 0x28]),
            Buffer.from('\r\n--b--\r\n'),
          ]),
          'multipart/form-data; boundary=b',
          /^Multipart field "message" is not valid UTF-8$/,
        ],
      ];
      for (const [what, body, contentType, message] of cases) {
        const before = await count();
        const response = await gateway.http.inject({
          method: 'POST',
          url: `/${caller.accountNumber}/sms/send`,
          headers: { 'content-type': contentType },
          payload: body,
        });
        assertError(response, 400, message);
        assert.equal(await count(), before, what);
      }
    });

    it('a body that is not a form is a 415; one over the limit a 413', async () => {
      await refused(
        () => send(JSON.stringify(valid()), caller, 'application/json'),
        415,
        /^Send the parameters as a form: Content-Type application\/x-www-form-urlencoded or multipart\/form-data$/,
      );
      await refused(() => send('password=x', caller, 'text/plain'), 415, /^Send the parameters as a form/);
      await refused(
        () => send(valid({ message: 'x'.repeat(1024 * 1024) })),
        413,
        /^The request is larger than this gateway accepts$/,
      );
    });

    it('403 and 402: what the account’s limits refuse, with nothing stored', async () => {
      const capped = await provisionAccolades(gateway);
      const patch = (id: string, limits: Record<string, unknown>) =>
        gateway.http.inject({
          method: 'PATCH',
          url: `/v1/accounts/${id}`,
          headers: ADMIN_AUTH,
          payload: { limits },
        });
      assert.equal((await patch(capped.accountId, { monthlySegmentQuota: 1 })).statusCode, 200);
      assertOk(await send(valid({}, capped), capped));
      await refused(
        () => send(valid({}, capped), capped),
        403,
        /^This account's monthly quota of 1 segments would be exceeded \(1 used, 1 requested\)$/,
      );

      const prepaid = await provisionAccolades(gateway);
      assert.equal((await patch(prepaid.accountId, { prepaid: true })).statusCode, 200);
      const prices = await gateway.http.inject({
        method: 'PUT',
        url: '/v1/prices',
        headers: ADMIN_AUTH,
        payload: { prices: [{ prefix: '+44', price: 0.05 }] },
      });
      assert.equal(prices.statusCode, 200, prices.body);
      await refused(
        () => send(valid({}, prepaid), prepaid),
        402,
        /^The prepaid balance \(0\) does not cover this send/,
      );
      await refused(
        () => send(valid({ phoneNumber: '+40721000003' }, prepaid), prepaid),
        403,
        /^phoneNumber \+40721000003 has no price, so a prepaid account cannot send there$/,
      );
    });

    it('429 with Retry-After past the account’s send rate', async () => {
      const limited = await provisionAccolades(gateway);
      const patch = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${limited.accountId}`,
        headers: ADMIN_AUTH,
        payload: { limits: { ratePerSecond: 0.01, burst: 1 } },
      });
      assert.equal(patch.statusCode, 200, patch.body);
      assertOk(await send(valid({}, limited), limited));
      const response = await send(valid({}, limited), limited);
      assertError(response, 429, /send rate of 0.01\/s is exceeded/);
      assert.ok(Number(response.headers['retry-after']) >= 1, String(response.headers['retry-after']));
    });

    it('paths of other APIs are not account numbers: they get the native 404', async () => {
      // (/api/sms/send is ServiceStack's SMSSend route, answered by that API: see its own tests.)
      for (const path of ['/V1/sms/send', '/v1/sms/send', '/health/sms/send', '/callbacks/sms/send']) {
        const response = await gateway.http.inject({
          method: 'POST',
          url: path,
          headers: { 'content-type': FORM },
          payload: new URLSearchParams(valid()).toString(),
        });
        assert.equal(response.statusCode, 404, `${path}: ${response.body}`);
        assert.equal(response.json().error.code, 'not_found');
      }
      // Under another API's prefix, that API answers in its own shape: never the form API.
      const interact = await gateway.http.inject({
        method: 'POST',
        url: '/interact/sms/send',
        headers: { 'content-type': FORM },
        payload: new URLSearchParams(valid()).toString(),
      });
      assert.notEqual(interact.statusCode, 200);
      assert.doesNotMatch(interact.body, /"type"/);
      // Other methods and paths at the root are the root's (native) 404 too.
      const get = await gateway.http.inject({ method: 'GET', url: `/${caller.accountNumber}/sms/send` });
      assert.equal(get.statusCode, 404);
      assert.equal(get.json().error.code, 'not_found');
    });
  },
  describe,
);
