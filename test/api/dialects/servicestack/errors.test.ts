/**
 * The ServiceStack dialect's refusals: every bad field of a request listed at once (in each
 * format), 401 for missing or wrong credentials, 403 for a LicenseeId the caller may not name
 * (the same answer whether the tenant exists or not), DOCTYPEs refused, unknown operations and
 * verbs, unknown paths and content types, a reply asked of an alphanumeric sender — each in
 * ServiceStack's ResponseStatus shape, in the requested format, with nothing stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../../helpers/gateway.js';
import { countStoredMessages, getMessage, type Headers, NUMBERS } from '../../support.js';
import { assertStatus, newAccount, newTenant, readBody, setLimits } from './support.js';

const SEND_SMS_NS = 'http://schemas.datacontract.org/2004/07/digitaluapi.ServiceModel';

await describeEachDatabase(
  'ServiceStack: refusals',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let client: { accountId: string; key: string; auth: Headers };
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      client = await newAccount(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const post = (
      url: string,
      contentType: string,
      payload: string,
      headers: Headers = client.auth,
      accept?: string,
    ) =>
      gateway.http.inject({
        method: 'POST',
        url,
        headers: { 'content-type': contentType, ...(accept ? { accept } : {}), ...headers },
        payload,
      });
    /** Sends, expects a refusal, and checks nothing was stored. */
    const refused = async (request: () => Promise<LightMyRequestResponse>) => {
      const before = await countStoredMessages(store);
      const response = await request();
      assert.equal(await countStoredMessages(store), before, `nothing stored: ${response.body}`);
      return response;
    };
    const fields = (response: LightMyRequestResponse, status = 400) =>
      assertStatus(response, status).errors.map((e) => [e.fieldName, e.errorCode]);

    it('seed 000 in XML: every bad field of every message, each named as the caller’s DTO spells it', async () => {
      const message = (to: string, content: string, clientMessageId: string) =>
        `<SmsMessage><channel>smpp</channel><clientMessageId>${clientMessageId}</clientMessageId><content>${content}</content><to>${to}</to></SmsMessage>`;
      const body = `<SendSmsRequest xmlns="${SEND_SMS_NS}"><Messages>${message('not-a-number', 'a', 'ok')}${message(NUMBERS.delivered, '', 'ok')}${message('+1', 'x'.repeat(2000), 'r'.repeat(300))}${message(NUMBERS.delivered, 'fine', 'ok')}</Messages></SendSmsRequest>`;
      const response = await refused(() => post('/communication/message/sms', 'application/xml', body));
      assert.match(String(response.headers['content-type']), /^application\/xml/);
      assert.match(
        response.body,
        /^<\?xml[^>]*\?><SmsMsgResponse /,
        'the response DTO with only ResponseStatus set',
      );
      assert.deepEqual(fields(response), [
        ['Messages[0].to', 'InvalidNumber'],
        ['Messages[1].content', 'InvalidRequest'],
        ['Messages[2].to', 'InvalidNumber'],
        ['Messages[2].content', 'InvalidRequest'],
        ['Messages[2].clientMessageId', 'InvalidRequest'],
      ]);
      const status = assertStatus(response, 400);
      assert.equal(status.errorCode, 'InvalidNumber', 'the first field error’s code');
      assert.match(status.message, /^Messages\[0\]\.to "not-a-number" is not a valid phone number/);
    });

    it('seed 000 in JSON: no messages at all, a message that is not an object, too many messages', async () => {
      assert.deepEqual(
        fields(await refused(() => post('/communication/message/sms', 'application/json', '{}'))),
        [['Messages', 'NotEmpty']],
      );
      assert.deepEqual(
        fields(
          await refused(() =>
            post(
              '/communication/message/sms',
              'application/json',
              JSON.stringify({ Messages: ['x', { to: 5 }] }),
            ),
          ),
        ),
        [
          ['Messages[0]', 'InvalidValue'],
          ['Messages[1].to', 'InvalidNumber'],
          ['Messages[1].content', 'InvalidRequest'],
        ],
      );
      const many = {
        Messages: Array.from({ length: 1001 }, () => ({ to: NUMBERS.delivered, content: 'x' })),
      };
      assert.deepEqual(
        fields(
          await refused(() => post('/communication/message/sms', 'application/json', JSON.stringify(many))),
        ),
        [['Messages', 'InvalidRequest']],
      );
      // Its error body is the response DTO, names as declared.
      const response = await post('/communication/message/sms', 'application/json', '{}');
      assert.deepEqual(Object.keys(response.json()), ['ResponseStatus']);
      assert.deepEqual(Object.keys(response.json().ResponseStatus), ['ErrorCode', 'Message', 'Errors']);
    });

    it('SMSSend in JSV: bad GUIDs, booleans, numbers, text that is too long and contacts that are not objects, all at once', async () => {
      const body = `{SMSModel:{From:{PhoneNumber:+447911123999,ContactId:nope},To:[{PhoneNumber:bad},x,{PhoneNumber:${NUMBERS.delivered},ContactId:"{1b4e28ba-2fa1-11d2-883f-0016d3cca427}"}],MessageBody:hi,ReplyIsRequired:maybe,Notes:${'n'.repeat(2001)},SuiteId:12345},CreateCommunicationReferencesImmediately:yes}`;
      const response = await refused(() =>
        post('/api/sendmessage', 'text/jsv', body, client.auth, 'text/jsv'),
      );
      assert.match(String(response.headers['content-type']), /^application\/jsv/);
      assert.match(response.body, /^\{ResponseStatus:\{ErrorCode:InvalidGuid,/);
      assert.deepEqual(fields(response), [
        ['SMSModel.From.ContactId', 'InvalidGuid'],
        ['SMSModel.To[1]', 'InvalidValue'],
        ['SMSModel.ReplyIsRequired', 'InvalidBoolean'],
        ['SMSModel.SuiteId', 'InvalidGuid'],
        ['CreateCommunicationReferencesImmediately', 'InvalidBoolean'],
        ['SMSModel.Notes', 'InvalidRequest'],
        ['SMSModel.To[0].PhoneNumber', 'InvalidNumber'],
      ]);
    });

    it('SMSSend in JSON answers errors camelCase as its host does; in a form, JSV members are read and named', async () => {
      const json = await refused(() =>
        post('/api/send', 'application/json', JSON.stringify({ smsModel: { to: [] } })),
      );
      assert.deepEqual(json.json(), {
        responseStatus: {
          errorCode: 'InvalidRequest',
          message: 'SMSModel.To must name at least one recipient',
          errors: [
            {
              errorCode: 'InvalidRequest',
              fieldName: 'SMSModel.To',
              message: 'SMSModel.To must name at least one recipient',
            },
            {
              errorCode: 'InvalidRequest',
              fieldName: 'SMSModel.MessageBody',
              message: 'SMSModel.MessageBody must not be empty',
            },
          ],
        },
      });
      const form = await refused(() =>
        post(
          '/api/send',
          'application/x-www-form-urlencoded',
          `SMSModel=${encodeURIComponent('{To:[{PhoneNumber:nope}],MessageBody:hi,LinkedObjectId:zz')}`,
        ),
      );
      assert.deepEqual(fields(form), [['SMSModel', 'InvalidJsv']]);
      const form2 = await refused(() =>
        post(
          '/api/send',
          'application/x-www-form-urlencoded',
          `SMSModel=${encodeURIComponent('{To:[{PhoneNumber:nope}],MessageBody:hi,LinkedObjectId:zz}')}&CreateCommunicationReferencesImmediately=sure`,
        ),
      );
      assert.deepEqual(fields(form2), [
        ['SMSModel.LinkedObjectId', 'InvalidGuid'],
        ['CreateCommunicationReferencesImmediately', 'InvalidBoolean'],
        ['SMSModel.To[0].PhoneNumber', 'InvalidNumber'],
      ]);
    });

    it('401 for missing and wrong credentials in every format, with a Basic challenge and nothing stored', async () => {
      const ways: Headers[] = [
        {},
        { authorization: 'Bearer sk_wrongwrong_abcdefghijklmnopqrstuvwxyz' },
        { authorization: `Basic ${Buffer.from(`${client.key}x:`).toString('base64')}` },
        { authorization: `Basic ${Buffer.from(`acc_nobody:${client.key}`).toString('base64')}` },
        { authorization: 'Digest whatever' },
        { 'x-api-key': 'nonsense' },
      ];
      for (const headers of ways) {
        for (const [url, accept, type] of [
          ['/communication/message/sms', 'application/xml', /^application\/xml/],
          ['/api/sendmessage', 'text/jsv', /^application\/jsv/],
          ['/json/reply/SMSSend', 'application/xml', /^application\/json/],
        ] as const) {
          const response = await refused(() =>
            post(url, 'application/json', JSON.stringify({ smsModel: {}, Messages: [] }), headers, accept),
          );
          assertStatus(response, 401, 'Unauthorized');
          assert.match(String(response.headers['content-type']), type, `${url} ${JSON.stringify(headers)}`);
          assert.equal(response.headers['www-authenticate'], 'Basic realm="smsgate"');
        }
      }
    });

    it('LicenseeId: the own tenant, a partner’s managed tenants and, for an admin, any tenant; else 403 whether or not it exists', async () => {
      const own = await newTenant(gateway);
      const other = await newTenant(gateway);
      const partner = await newAccount(gateway, { role: 'partner' });
      const managed = await newTenant(gateway, partner.auth);
      const member = await newAccount(gateway, { tenantId: own.id });
      const nobody = '0123456789abcdef0123456789abcdef';
      assert.match(own.licenseeId, /^[0-9a-f]{32}$/);
      const send = (auth: Headers, licensee: string) =>
        post(
          '/api/sendmessage',
          'application/json',
          JSON.stringify({
            smsModel: {
              to: [{ phoneNumber: NUMBERS.delivered }],
              messageBody: 'licensed',
              licenseeId: licensee,
            },
          }),
          auth,
        );
      const allowed = async (auth: Headers, licensee: string, accountId: string) => {
        const response = await send(auth, licensee);
        assert.equal(response.statusCode, 200, response.body);
        const message = (await getMessage(gateway, response.json().reference, auth)) as {
          refs?: Record<string, string>;
        };
        const expected = licensee.replaceAll('-', '').toLowerCase();
        // The all-zero GUID is "none": the caller's own tenant, not kept.
        assert.equal(message.refs?.licenseeId, /^0+$/.test(expected) ? undefined : expected);
        const row = await store.db
          .selectFrom('messages')
          .select('account_id')
          .where('id', '=', response.json().reference)
          .executeTakeFirstOrThrow();
        assert.equal(row.account_id, accountId, 'the caller’s own message');
      };
      await allowed(member.auth, own.licenseeId, member.accountId);
      await allowed(member.auth, '00000000-0000-0000-0000-000000000000', member.accountId);
      await allowed(partner.auth, managed.licenseeId.toUpperCase(), partner.accountId);
      const admin = await store.db
        .selectFrom('accounts')
        .select('id')
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow();
      await allowed(ADMIN_AUTH, other.licenseeId, admin.id);
      const bodies = new Set<string>();
      for (const [auth, licensee] of [
        [member.auth, other.licenseeId],
        [member.auth, managed.licenseeId],
        [member.auth, nobody],
        [client.auth, own.licenseeId],
        [partner.auth, own.licenseeId],
        [partner.auth, nobody],
        [ADMIN_AUTH, nobody],
      ] as const) {
        const response = await refused(() => send(auth, licensee));
        const status = assertStatus(response, 403, 'LicenseeNotAllowed');
        assert.deepEqual(
          status.errors.map((e) => e.fieldName),
          ['SMSModel.LicenseeId'],
        );
        bodies.add(response.body);
      }
      assert.equal(bodies.size, 1, 'one answer, whether the tenant exists or not');
    });

    it('a DOCTYPE (entities, external entities) is refused with 400 on both services; nothing is read or stored', async () => {
      const doctypes = [
        '<?xml version="1.0"?><!DOCTYPE SendSmsRequest [<!ENTITY x SYSTEM "file:///etc/passwd">]><SendSmsRequest><Messages><SmsMessage><to>&x;</to></SmsMessage></Messages></SendSmsRequest>',
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><SMSSend>&lol2;</SMSSend>',
        '<!DOCTYPE SMSSend SYSTEM "http://127.0.0.1:1/x.dtd"><SMSSend/>',
      ];
      for (const body of doctypes) {
        for (const url of [
          '/communication/message/sms',
          '/api/sendmessage',
          '/xml/reply/SMSSend',
          '/api/SendSmsRequest',
        ]) {
          const response = await refused(() =>
            post(url, 'application/xml', body, client.auth, 'application/xml'),
          );
          const status = assertStatus(response, 400, 'SerializationException');
          assert.match(status.message, /DTD is prohibited/);
        }
      }
    });

    it('unknown operations and verbs are 405 NotImplementedException, unknown paths 404, other content types 415', async () => {
      const unknown = await post('/xml/reply/SendEmail', 'application/json', '{}');
      assertStatus(unknown, 405, 'NotImplementedException');
      assert.match(String(unknown.headers['content-type']), /^application\/xml/);
      const get = await gateway.http.inject({ method: 'GET', url: '/api/sendmessage', headers: client.auth });
      assertStatus(get, 405, 'NotImplementedException');
      const missing = await gateway.http.inject({
        method: 'POST',
        url: '/api/nothing/here',
        headers: client.auth,
      });
      assertStatus(missing, 404, 'NotFound');
      const jsvMissing = await gateway.http.inject({
        method: 'POST',
        url: '/jsv/reply/a/b',
        headers: client.auth,
      });
      assertStatus(jsvMissing, 404, 'NotFound');
      assert.match(String(jsvMissing.headers['content-type']), /^application\/jsv/);
      const text = await refused(() => post('/api/sendmessage', 'text/plain', 'hello'));
      assertStatus(text, 415, 'UnsupportedMediaType');
      // Batches (an operation name with []) are not served.
      for (const url of ['/json/reply/SMSSend[]', '/api/SendSmsRequest%5B%5D']) {
        assertStatus(
          await refused(() => post(url, 'application/json', '[{}]')),
          405,
          'NotImplementedException',
        );
      }
      // Operation names match in any case, as ServiceStack's do.
      const lower = await post('/api/smssend', 'application/json', '{}');
      assertStatus(lower, 400);
    });

    it('limits enforced after reading are named as the caller spells them: no price for one recipient, a sender not allowed', async () => {
      const prepaid = await newAccount(gateway);
      const admin = (method: 'PUT' | 'PATCH' | 'POST', url: string, body: unknown) =>
        gateway.http.inject({
          method,
          url,
          headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
      assert.equal(
        (await admin('PUT', '/v1/prices', { prices: [{ prefix: '+44', price: 0.05 }] })).statusCode,
        200,
      );
      await setLimits(gateway, prepaid.accountId, { prepaid: true, allowedSenders: ['+447911123999'] });
      assert.equal(
        (await admin('POST', `/v1/accounts/${prepaid.accountId}/balance`, { amount: 10 })).statusCode,
        200,
      );
      const body = (from: string) =>
        JSON.stringify({
          smsModel: {
            from: { phoneNumber: from },
            to: [{ phoneNumber: NUMBERS.delivered }, { phoneNumber: '+33612345678' }],
            messageBody: 'priced',
          },
        });
      const noPrice = await refused(() =>
        post('/api/sendmessage', 'application/json', body('+447911123999'), prepaid.auth),
      );
      assert.deepEqual(fields(noPrice, 403), [['SMSModel.To[1].PhoneNumber', 'NoPrice']]);
      const sender = await refused(() =>
        post('/api/sendmessage', 'application/json', body('+447911123998'), prepaid.auth),
      );
      assert.deepEqual(fields(sender, 403), [['SMSModel.From.PhoneNumber', 'SenderNotAllowed']]);
    });

    it('ReplyIsRequired: an alphanumeric sender is a 400 (nobody can answer it); a number awaits its reply', async () => {
      const body = (from: string) =>
        JSON.stringify({
          smsModel: {
            from: { phoneNumber: from },
            to: [{ phoneNumber: NUMBERS.delivered }],
            messageBody: 'answer me',
            replyIsRequired: true,
          },
        });
      assert.deepEqual(
        fields(await refused(() => post('/api/sendmessage', 'application/json', body('ACME')))),
        [['SMSModel.ReplyIsRequired', 'ReplyImpossible']],
      );
      const ok = await post('/api/sendmessage', 'application/json', body('+447911123999'));
      assert.equal(ok.statusCode, 200, ok.body);
      const message = (await getMessage(gateway, ok.json().reference, client.auth)) as unknown as {
        replyRequired: boolean;
        awaitingReply: boolean;
      };
      assert.equal(message.replyRequired, true);
      assert.equal(message.awaitingReply, true);
      // Without From the connector's default sender is used: nothing to refuse.
      const noSender = await post(
        '/api/sendmessage',
        'application/json',
        JSON.stringify({
          smsModel: { to: [{ phoneNumber: NUMBERS.delivered }], messageBody: 'x', replyIsRequired: true },
        }),
      );
      assert.equal(noSender.statusCode, 200, noSender.body);
      assert.equal(readBody(noSender).status, true);
    });
  },
  describe,
);
