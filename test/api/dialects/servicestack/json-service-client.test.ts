/**
 * The official `@servicestack/client` JsonServiceClient, unchanged, over a real socket against both
 * services on every route it can call: the predefined `/api/{Op}` (its default), `/json/reply` and
 * `/json/oneway` (`useBasePath()`, `sendOneWay`), the services' own routes (`postToUrl`), the
 * XML and JSV predefined routes with `?format=json`; each way ServiceStack clients authenticate;
 * and its error handling (`responseStatus`, `api()` results) on our errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JsonServiceClient } from '@servicestack/client';
import type { Gateway } from '../../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../../helpers/databases.js';
import { startTestGateway } from '../../../helpers/gateway.js';
import { NUMBERS, waitForStatus } from '../../support.js';
import { newAccount } from './support.js';

// The DTOs as "Add ServiceStack Reference" generates them: seed 000's as its JavaScript page shows,
// SMSSend's in TypeScript for a camelCase host (seed 002's names).
class SmsMessage {
  channel?: string;
  to?: string;
  content?: string;
  clientMessageId?: string;
  constructor(init?: Partial<SmsMessage>) {
    Object.assign(this, init);
  }
}
interface SmsMsgResponse {
  SMPPMsgResponse?: { messages: { apiMessageId: string; accepted: boolean; to: string; error?: string }[] };
  grandcomMsgResponse?: unknown;
  clickatellMsgResponse?: unknown;
}
class SendSmsRequest {
  Messages: SmsMessage[] = [];
  constructor(init?: Partial<SendSmsRequest>) {
    Object.assign(this, init);
  }
  getTypeName() {
    return 'SendSmsRequest';
  }
  getMethod() {
    return 'POST';
  }
  createResponse(): SmsMsgResponse {
    return {};
  }
}
class SMSContact {
  name?: string;
  phoneNumber?: string;
  contactId?: string;
  constructor(init?: Partial<SMSContact>) {
    Object.assign(this, init);
  }
}
class SMSModel {
  licenseeId?: string;
  from?: SMSContact;
  to?: SMSContact[];
  messageBody?: string;
  replyIsAllowed = false;
  replyIsRequired = false;
  notes?: string;
  linkedObjectId?: string;
  suiteId?: string;
  constructor(init?: Partial<SMSModel>) {
    Object.assign(this, init);
  }
}
interface CommResponse {
  commId: string;
  reference: string;
  status: boolean;
  message: string;
}
class SMSSend {
  smsModel?: SMSModel;
  createCommunicationReferencesImmediately = false;
  constructor(init?: Partial<SMSSend>) {
    Object.assign(this, init);
  }
  getTypeName() {
    return 'SMSSend';
  }
  getMethod() {
    return 'POST';
  }
  createResponse(): CommResponse {
    return { commId: '', reference: '', status: false, message: '' };
  }
}

interface ClientError {
  responseStatus: {
    errorCode: string;
    message: string;
    errors?: { errorCode: string; fieldName: string; message: string }[];
  };
}

const sendSms = (tag: string, to: string = NUMBERS.delivered) =>
  new SendSmsRequest({
    Messages: [new SmsMessage({ channel: 'smpp', to, content: `hello ${tag}`, clientMessageId: tag })],
  });
const smsSend = (tag: string, to: string = NUMBERS.delivered) =>
  new SMSSend({
    smsModel: new SMSModel({
      from: new SMSContact({ name: 'Alice' }),
      to: [new SMSContact({ name: 'Bob', phoneNumber: to })],
      messageBody: `hello ${tag}`,
      notes: tag,
    }),
  });

async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ClientError;
  }
  assert.fail('expected the client to reject');
}

await describeEachDatabase(
  'ServiceStack: the official JsonServiceClient over a real socket',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let account: { accountId: string; key: string; auth: Record<string, string> };
    const client = (configure: (c: JsonServiceClient) => void = (c) => (c.bearerToken = account.key)) => {
      const c = new JsonServiceClient(gateway.url);
      configure(c);
      return c;
    };
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { listen: true });
      account = await newAccount(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const delivered = (id: string) => waitForStatus(gateway, id, 'delivered', account.auth);
    const smppIds = (response: SmsMsgResponse) => {
      assert.deepEqual(Object.keys(response), ['SMPPMsgResponse']);
      const messages = response.SMPPMsgResponse!.messages;
      assert.ok(messages.every((m) => m.accepted));
      return messages.map((m) => m.apiMessageId);
    };

    it('SendSmsRequest: post() to /api/SendSmsRequest, /json/reply with useBasePath(), postToUrl to its own route, XML and JSV routes with ?format=json', async () => {
      const ids: string[] = [];
      ids.push(...smppIds(await client().post(sendSms('api'))));
      ids.push(
        ...smppIds(
          await client((c) => (c.bearerToken = account.key))
            .useBasePath()
            .post(sendSms('reply')),
        ),
      );
      ids.push(...smppIds(await client().postToUrl('/communication/message/sms', sendSms('own'))));
      ids.push(...smppIds(await client().postToUrl('/communication/message/sms.json', sendSms('suffix'))));
      for (const format of ['xml', 'jsv']) {
        ids.push(
          ...smppIds(
            await client().postToUrl(`/${format}/reply/SendSmsRequest`, sendSms(format), { format: 'json' }),
          ),
        );
      }
      const api = await client().api(sendSms('api()'));
      assert.ok(api.succeeded, JSON.stringify(api.error));
      ids.push(...smppIds(api.response as SmsMsgResponse));
      assert.equal(new Set(ids).size, 7);
      for (const id of ids) await delivered(id);
    });

    it('SMSSend: post() to /api/SMSSend, /json/reply, and postToUrl to each of its six routes', async () => {
      const answers: CommResponse[] = [];
      answers.push(await client().post(smsSend('api')));
      answers.push(await client().useBasePath().post(smsSend('reply')));
      for (const route of [
        '/api/sendmessage',
        '/api/sendmessage/immediate',
        '/api/send',
        '/api/sms/send',
        '/api/send/immediate',
        '/api/sms/send/immediate',
      ]) {
        const answer = await client().postToUrl<CommResponse>(route, smsSend(route));
        assert.equal(
          answer.message,
          route.endsWith('/immediate') ? 'Sent to 1 recipient' : 'Queued 1 message',
          route,
        );
        answers.push(answer);
      }
      answers.push((await client().api(smsSend('api()'))).response as CommResponse);
      for (const answer of answers) {
        assert.equal(answer.status, true);
        assert.match(answer.commId, /^[0-9a-f]{32}$/);
        await delivered(answer.reference);
      }
      assert.equal(new Set(answers.map((a) => a.commId)).size, answers.length, 'a CommId per request');
    });

    it('sendOneWay() posts to /json/oneway/{Op}: 204, and the messages are stored and delivered', async () => {
      const oneWay = client().useBasePath();
      await oneWay.sendOneWay(sendSms('oneway-000'));
      await oneWay.sendOneWay(smsSend('oneway-001'));
      const stored = await store.db.selectFrom('messages').select(['id', 'client_ref']).execute();
      const sent = stored.find((m) => m.client_ref === 'oneway-000');
      assert.ok(sent, 'the seed 000 message was stored before the answer');
      await delivered(sent.id);
      const refs = await store.db
        .selectFrom('message_refs')
        .select(['message_id'])
        .where('value', '=', 'oneway-001')
        .execute();
      assert.equal(refs.length, 1, 'the SMSSend message was stored before the answer');
      await delivered(refs[0]!.message_id);
    });

    it('authenticates every way ServiceStack clients send credentials', async () => {
      const ways: [string, (c: JsonServiceClient) => void][] = [
        ['Bearer', (c) => (c.bearerToken = account.key)],
        ['Basic, the key as user name and an empty password', (c) => c.setCredentials(account.key, '')],
        ['Basic, account id and key', (c) => c.setCredentials(account.accountId, account.key)],
        ['X-Api-Key', (c) => c.headers.set('X-Api-Key', account.key)],
      ];
      for (const [way, configure] of ways) {
        const answer = await client(configure).post(smsSend(way));
        assert.equal(answer.status, true, way);
        smppIds(await client(configure).post(sendSms(way)));
      }
      const wrong: [string, (c: JsonServiceClient) => void][] = [
        ['no credentials', () => {}],
        ['a wrong Bearer key', (c) => (c.bearerToken = 'sk_wrongwrong_abcdefghijklmnopqrstuvwxyz')],
        ['the key with a password', (c) => c.setCredentials(account.key, 'x')],
        ['another account id', (c) => c.setCredentials('acc_01HZZZZZZZZZZZZZZZZZZZZZZZ', account.key)],
        ['a wrong X-Api-Key', (c) => c.headers.set('X-Api-Key', `${account.key}x`)],
      ];
      for (const [way, configure] of wrong) {
        const errors = [
          await rejection(client(configure).post(smsSend(way))),
          await rejection(client(configure).post(sendSms(way))),
        ];
        for (const error of errors) assert.equal(error.responseStatus.errorCode, 'Unauthorized', way);
      }
    });

    it('rejects with the responseStatus of our errors, every bad field listed; api() reports them without throwing', async () => {
      const bad = new SendSmsRequest({
        Messages: [
          new SmsMessage({ to: 'nope', content: 'x' }),
          new SmsMessage({ to: NUMBERS.delivered, content: '' }),
          new SmsMessage({ to: '12', content: 'y'.repeat(5000) }),
        ],
      });
      const error = await rejection(client().post(bad));
      assert.equal(error.responseStatus.errorCode, 'InvalidNumber');
      assert.deepEqual(
        error.responseStatus.errors!.map((e) => e.fieldName),
        ['Messages[0].to', 'Messages[1].content', 'Messages[2].to', 'Messages[2].content'],
      );
      const result = await client().api(
        new SMSSend({
          smsModel: new SMSModel({
            to: [new SMSContact({ phoneNumber: 'x', contactId: 'not-a-guid' })],
            linkedObjectId: 'zz',
          }),
        }),
      );
      assert.equal(result.succeeded, false);
      assert.deepEqual(
        result.error!.errors!.map((e) => [e.fieldName, e.errorCode]),
        [
          ['SMSModel.To[0].ContactId', 'InvalidGuid'],
          ['SMSModel.LinkedObjectId', 'InvalidGuid'],
          ['SMSModel.To[0].PhoneNumber', 'InvalidNumber'],
          ['SMSModel.MessageBody', 'InvalidRequest'],
        ],
      );
      const unknown = await rejection(
        client().postToUrl('/api/NoSuchOperation', { createResponse: () => ({}) }),
      );
      assert.equal(unknown.responseStatus.errorCode, 'NotImplementedException');
    });
  },
  describe,
);
