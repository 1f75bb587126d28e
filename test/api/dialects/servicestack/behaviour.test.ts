/**
 * What the ServiceStack dialect decides beyond parsing: seed 000's `channel` families route to a
 * connector of that type and report under its group; other connectors report under their
 * `dialectGroup`; a verdict wait that ends while a message is still retrying reports it accepted;
 * ServiceStack's format negotiation on user and predefined routes; form and multipart bodies;
 * oneway routes; `CreateCommunicationReferencesImmediately`.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_SIM_RULES } from '../../../../src/config/schema.js';
import type { Gateway } from '../../../../src/gateway.js';
import { FakeClickatell } from '../../../fakes/fake-clickatell.js';
import { FakeGrandcom } from '../../../fakes/fake-grandcom.js';
import { describeEachDatabase, type TestStore } from '../../../helpers/databases.js';
import { startTestGateway, waitFor } from '../../../helpers/gateway.js';
import { freshNumber, SENDER, simulateInbound } from '../../../inbound/support.js';
import { getMessage, type Headers, NUMBERS, waitForStatus } from '../../support.js';
import { member, newAccount, readBody } from './support.js';

type Entry = { apiMessageId: string; accepted: boolean; to: string; error?: string; hasError?: boolean };
type Groups = Partial<
  Record<'grandcomMsgResponse' | 'clickatellMsgResponse' | 'SMPPMsgResponse', { messages: Entry[] }>
>;

await describeEachDatabase(
  'ServiceStack: provider families and verdicts',
  (db) => {
    let store: TestStore;
    let gateway: Gateway | undefined;
    let grandcom: FakeGrandcom;
    let clickatell: FakeClickatell;
    beforeEach(async () => {
      store = await db.open();
      grandcom = await FakeGrandcom.start({});
      clickatell = await FakeClickatell.start({});
    });
    afterEach(async () => {
      await gateway?.stop(false);
      gateway = undefined;
      await grandcom.close();
      await clickatell.close();
      await store.destroy();
    });

    const send = async (auth: Headers, messages: Record<string, string>[]) => {
      const response = await gateway!.http.inject({
        method: 'POST',
        url: '/communication/message/sms',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ Messages: messages }),
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as Groups;
    };

    it('a channel naming a provider family goes to a connector of that type and is reported under its group', async () => {
      gateway = await startTestGateway(store, {
        config: {
          connectors: [
            { name: 'sim', type: 'sim', receiptDelayMs: 5 },
            {
              name: 'gc',
              type: 'grandcom',
              baseUrl: grandcom.url,
              username: 'smsgate',
              password: 'grandcom-secret',
              callbackToken: 'token-token-token',
            },
            {
              name: 'ck',
              type: 'clickatell',
              apiKey: clickatell.apiKey,
              baseUrl: clickatell.url,
              callbackToken: 'token-token-token',
            },
          ],
        },
      });
      const { auth } = await newAccount(gateway);
      const answer = await send(auth, [
        { channel: 'grandcom', to: NUMBERS.delivered, content: 'to grandcom', clientMessageId: 'g1' },
        { channel: 'Clickatell', to: NUMBERS.delivered2, content: 'to clickatell', clientMessageId: 'c1' },
        // No SMPP connector here: routing decides (the first connector, the simulator).
        { channel: 'smpp', to: NUMBERS.delivered3, content: 'to smpp', clientMessageId: 's1' },
        { channel: 'sms', to: NUMBERS.delivered, content: 'any channel', clientMessageId: 's2' },
        { channel: 'grandcom', to: NUMBERS.rejected, content: 'refused upstream', clientMessageId: 'g2' },
      ]);
      assert.deepEqual(Object.keys(answer), [
        'grandcomMsgResponse',
        'clickatellMsgResponse',
        'SMPPMsgResponse',
      ]);
      const [g1, g2] = answer.grandcomMsgResponse!.messages;
      assert.deepEqual(
        answer.grandcomMsgResponse!.messages.map((m) => [m.accepted, m.hasError]),
        [
          [true, false],
          [false, true],
        ],
      );
      assert.match(g2!.error!, /^rejected: .*invalid destination/);
      assert.equal(answer.clickatellMsgResponse!.messages.length, 1);
      assert.equal(answer.clickatellMsgResponse!.messages[0]!.accepted, true);
      assert.ok(
        !('hasError' in answer.clickatellMsgResponse!.messages[0]!),
        'only Grandcom’s type has hasError',
      );
      assert.equal(answer.SMPPMsgResponse!.messages.length, 2);
      const connectorOf = async (id: string) => (await getMessage(gateway!, id, auth)).connector;
      assert.equal(await connectorOf(g1!.apiMessageId), 'gc');
      assert.equal(await connectorOf(answer.clickatellMsgResponse!.messages[0]!.apiMessageId), 'ck');
      for (const m of answer.SMPPMsgResponse!.messages)
        assert.equal(await connectorOf(m.apiMessageId), 'sim');
      assert.equal(grandcom.messages.length, 1, 'the refused one is not among the accepted');
      assert.equal(clickatell.messages.length, 1);
    });

    it('other connectors report under their dialectGroup; a wait that ends while a message retries reports it accepted', async () => {
      gateway = await startTestGateway(store, {
        config: {
          connectors: [
            {
              name: 'sim',
              type: 'sim',
              receiptDelayMs: 5,
              dialectGroup: 'clickatellMsgResponse',
              rules: [{ suffix: '0009', outcome: 'throttled', times: 1000 }, ...DEFAULT_SIM_RULES],
            },
          ],
          messages: { verdictWaitMs: 300 },
          queue: { retryBaseMs: 60_000, retryMaxMs: 60_000 },
        },
      });
      const { auth } = await newAccount(gateway);
      const answer = await send(auth, [
        { to: NUMBERS.delivered, content: 'goes' },
        { to: '+447911120009', content: 'throttled, retrying' },
      ]);
      assert.deepEqual(Object.keys(answer), ['clickatellMsgResponse']);
      const [sent, retrying] = answer.clickatellMsgResponse!.messages;
      assert.equal(sent!.accepted, true);
      assert.equal(retrying!.accepted, true);
      assert.equal(retrying!.error, undefined);
      assert.equal((await getMessage(gateway, retrying!.apiMessageId, auth)).status, 'queued');

      const immediate = await gateway.http.inject({
        method: 'POST',
        url: '/api/send/immediate',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({
          smsModel: {
            to: [
              { phoneNumber: NUMBERS.delivered },
              { phoneNumber: '+447911120009' },
              { phoneNumber: NUMBERS.rejected },
            ],
            messageBody: 'three ways',
          },
        }),
      });
      assert.equal(immediate.statusCode, 200, immediate.body);
      const body = immediate.json() as { status: boolean; message: string; reference: string };
      assert.equal(body.status, false);
      assert.equal(
        body.message,
        `Sent to 1 of 3 recipients; 1 still queued (it will be sent); ${NUMBERS.rejected} rejected: simulated permanent rejection (ESME_RINVDSTADR)`,
      );
      assert.equal(body.reference.split(',').length, 3);
    });
  },
  describe,
);

await describeEachDatabase(
  'ServiceStack: formats and routes',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let auth: Headers;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      auth = (await newAccount(gateway)).auth;
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const smsSendJson = JSON.stringify({
      SMSModel: { To: [{ PhoneNumber: NUMBERS.delivered }], MessageBody: 'hi' },
    });
    const post = (url: string, headers: Headers, payload: string | Buffer = smsSendJson) =>
      gateway.http.inject({ method: 'POST', url, headers: { ...auth, ...headers }, payload });
    const contentType = (response: { headers: Record<string, unknown> }) =>
      String(response.headers['content-type']).split(';')[0];

    it('negotiates the answer’s format as ServiceStack does, on user and predefined routes', async () => {
      const json = { 'content-type': 'application/json' };
      const cases: [string, Headers, string][] = [
        ['/api/sendmessage', json, 'application/json'],
        ['/api/sendmessage', { ...json, accept: 'application/xml' }, 'application/xml'],
        ['/api/sendmessage', { ...json, accept: 'text/jsv, application/json;q=0.9' }, 'application/json'],
        ['/api/sendmessage?format=jsv', { ...json, accept: 'application/xml' }, 'application/jsv'],
        ['/api/sendmessage.xml', json, 'application/xml'],
        ['/api/sendmessage/immediate.jsv', json, 'application/jsv'],
        ['/communication/message/sms.xml', json, 'application/xml'],
        // Predefined routes ignore Accept: their own format, unless ?format= or a suffix says otherwise.
        ['/api/SMSSend', { ...json, accept: 'application/xml' }, 'application/json'],
        ['/xml/reply/SMSSend', { ...json, accept: 'application/json' }, 'application/xml'],
        ['/jsv/reply/SMSSend', json, 'application/jsv'],
        ['/jsv/reply/SMSSend?format=xml', json, 'application/xml'],
        ['/api/SMSSend.xml', json, 'application/xml'],
        ['/json/reply/smssend', { ...json, accept: 'text/jsv' }, 'application/json'],
      ];
      for (const [url, headers, expected] of cases) {
        const body = url.includes('/communication/')
          ? JSON.stringify({ Messages: [{ to: NUMBERS.delivered, content: 'x' }] })
          : smsSendJson;
        const response = await post(url, headers, body);
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
        assert.equal(contentType(response), expected, url);
        readBody(response);
      }
      // Without Accept (or with */*), a user route answers in the request's own format.
      const jsv = await post(
        '/api/sendmessage',
        { 'content-type': 'text/jsv', accept: '*/*' },
        '{SMSModel:{To:[{PhoneNumber:+447911123456}],MessageBody:hi}}',
      );
      assert.equal(contentType(jsv), 'application/jsv');
      const xml = await post(
        '/api/sendmessage',
        { 'content-type': 'application/xml' },
        '<SMSSend><SMSModel><MessageBody>hi</MessageBody><To><SMSContact><PhoneNumber>+447911123456</PhoneNumber></SMSContact></To></SMSModel></SMSSend>',
      );
      assert.equal(xml.statusCode, 200, xml.body);
      assert.equal(contentType(xml), 'application/xml');
      // SMSSend's XML: our documented namespace, DataContract order, a dashed GUID.
      assert.match(
        xml.body,
        /^<\?xml version="1\.0" encoding="utf-8"\?><CommResponse xmlns:i="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance" xmlns="http:\/\/schemas\.servicestack\.net\/types"><CommId>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}<\/CommId><Message>Queued 1 message<\/Message><Reference>msg_[0-9A-Z]{26}<\/Reference><Status>true<\/Status><\/CommResponse>$/,
      );
    });

    it('reads urlencoded and multipart forms, members that are not text as JSV', async () => {
      const urlencoded = await post(
        '/api/sendmessage',
        { 'content-type': 'application/x-www-form-urlencoded' },
        `SMSModel=${encodeURIComponent('{To:[{PhoneNumber:+447911123456,Name:"Bob, Jr."}],MessageBody:"Hello, form",Notes:x}')}&CreateCommunicationReferencesImmediately=true`,
      );
      assert.equal(urlencoded.statusCode, 200, urlencoded.body);
      const id = String(urlencoded.json().reference);
      const message = (await getMessage(gateway, id, auth)) as unknown as {
        text: string;
        refs: Record<string, string>;
      };
      assert.equal(message.text, 'Hello, form');
      assert.equal(message.refs['to.name'], 'Bob, Jr.');
      const boundary = 'xYzZY';
      const multipart = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="Messages"\r\n\r\n[{to:+447911123456,content:multipart,clientMessageId:mp-1}]\r\n--${boundary}--\r\n`,
      );
      const sent = await post(
        '/communication/message/sms',
        { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'application/json' },
        multipart,
      );
      assert.equal(sent.statusCode, 200, sent.body);
      const entry = (sent.json() as Groups).SMPPMsgResponse!.messages[0]!;
      assert.equal((await waitForStatus(gateway, entry.apiMessageId, 'delivered', auth)).clientRef, 'mp-1');
    });

    it('ReplyIsRequired uses the reply correlation: the message awaits a reply until the recipient answers', async () => {
      const customer = freshNumber();
      const response = await post(
        '/api/sendmessage/immediate',
        { 'content-type': 'text/jsv' },
        `{SMSModel:{From:{PhoneNumber:${SENDER}},To:[{PhoneNumber:${customer}}],MessageBody:Reply YES to confirm,ReplyIsRequired:True,ReplyIsAllowed:True}}`,
      );
      assert.equal(response.statusCode, 200, response.body);
      const id = String(readBody(response).Reference);
      const sent = await waitForStatus(gateway, id, 'delivered', auth);
      assert.equal((sent as unknown as { awaitingReply: boolean }).awaitingReply, true);
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'YES' });
      await waitFor(
        async () =>
          ((await getMessage(gateway, id, auth)) as unknown as { awaitingReply: boolean }).awaitingReply
            ? undefined
            : true,
        10_000,
        'the reply to be correlated',
      );
    });

    it('oneway routes store and queue, then answer 204 with no body; reply routes have the message stored when they answer', async () => {
      for (const url of [
        '/xml/oneway/SendSmsRequest',
        '/jsv/oneway/SendSmsRequest',
        '/json/oneway/SendSmsRequest',
      ]) {
        const response = await post(
          url,
          { 'content-type': 'application/json' },
          JSON.stringify({ Messages: [{ to: NUMBERS.delivered, content: 'oneway', clientMessageId: url }] }),
        );
        assert.equal(response.statusCode, 204, response.body);
        assert.equal(response.body, '');
        const row = await store.db
          .selectFrom('messages')
          .select('id')
          .where('client_ref', '=', url)
          .executeTakeFirst();
        assert.ok(row, `${url}: stored before the answer`);
        await waitForStatus(gateway, row.id, 'delivered', auth);
      }
      for (const immediately of [true, false]) {
        const response = await post(
          '/api/sendmessage',
          { 'content-type': 'application/json' },
          JSON.stringify({
            createCommunicationReferencesImmediately: immediately,
            smsModel: { to: [{ phoneNumber: NUMBERS.delivered }], messageBody: 'refs' },
          }),
        );
        assert.equal(response.statusCode, 200, response.body);
        const answer = response.json() as Record<string, unknown>;
        assert.deepEqual(Object.keys(answer), ['commId', 'reference', 'status', 'message']);
        const row = await store.db
          .selectFrom('messages')
          .select('id')
          .where('id', '=', String(answer.reference))
          .executeTakeFirst();
        assert.ok(row, 'the message and its references exist when the answer comes, either way');
        assert.equal(member(answer, 'CommId'), answer.commId);
      }
    });
  },
  describe,
);
