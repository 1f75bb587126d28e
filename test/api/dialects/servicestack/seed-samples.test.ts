/**
 * Each seed's sample request, sent as the seed shows it (its display indentation included) with
 * real values in place of its placeholders, in the format the seed shows (XML for seed 000, JSV for
 * 001/002) and in JSON: the documented answer, and the messages delivered and findable.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseXml, type XmlElement } from '../../../../src/api/formats/xml.js';
import type { Gateway } from '../../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../../helpers/databases.js';
import { startTestGateway } from '../../../helpers/gateway.js';
import { sampleBodies, seed } from '../../formats/seeds.js';
import { getMessage, type Headers, listMessages, NUMBERS, waitForStatus } from '../../support.js';
import { groupEntries, member, newAccount, readBody } from './support.js';

const SEND_SMS_NS = 'http://schemas.datacontract.org/2004/07/digitaluapi.ServiceModel';
const [SEED_000_REQUEST, SEED_000_RESPONSE] = sampleBodies(seed('000'));
const [SEED_001_REQUEST] = sampleBodies(seed('001'));
const [SEED_002_REQUEST] = sampleBodies(seed('002'));
const ZERO = '00000000000000000000000000000000';

/** Replaces each occurrence of `placeholder`, in order, with the next of `values`. */
function fill(template: string, placeholder: string, values: readonly string[]): string {
  let i = 0;
  const out = template.replaceAll(placeholder, (found) => values[i++] ?? found);
  assert.equal(i, template.split(placeholder).length - 1, 'one value per placeholder');
  assert.ok(i >= values.length, `${values.length} values for ${i} placeholders`);
  return out;
}

/** Child element names of an element, in document order. */
const childNames = (element: XmlElement) => element.children.map((child) => child.name);
const child = (element: XmlElement, name: string) => element.children.find((c) => c.name === name)!;

await describeEachDatabase(
  'ServiceStack: the seeds’ sample requests',
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

    it('seed 000, XML: the sample SendSmsRequest gets an SmsMsgResponse shaped as the sample, and is delivered', async () => {
      // The sample's elements are alphabetical: channel, clientMessageId, content, to.
      const body = fill(SEED_000_REQUEST!, 'String', [
        'smpp',
        'order-000-xml',
        'Hello from smsgate',
        NUMBERS.delivered,
      ]);
      assert.match(body, /^<SendSmsRequest xmlns:i=/);
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/communication/message/sms',
        headers: { ...auth, accept: 'application/xml', 'content-type': 'application/xml' },
        payload: body,
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^application\/xml/);
      assert.match(response.body, /^<\?xml version="1\.0" encoding="utf-8"\?><SmsMsgResponse /);
      const root = parseXml(response.body);
      const sample = parseXml(SEED_000_RESPONSE!);
      assert.equal(root.name, 'SmsMsgResponse');
      assert.equal(root.ns, SEND_SMS_NS);
      // Every member the sample shows, in its order; the groups no message went through are nil.
      assert.deepEqual(childNames(root), childNames(sample));
      const smpp = child(root, 'SMPPMsgResponse');
      assert.deepEqual(childNames(smpp), childNames(child(sample, 'SMPPMsgResponse')));
      const entries = child(smpp, 'messages').children;
      assert.equal(entries.length, 1);
      const entry = entries[0]!;
      assert.equal(entry.name, 'SMPPResponseMsg');
      const sampleEntry = child(child(child(sample, 'SMPPMsgResponse'), 'messages'), 'SMPPResponseMsg');
      assert.deepEqual(childNames(entry), childNames(sampleEntry));
      assert.deepEqual(childNames(child(entry, 'msg')), ['channel', 'clientMessageId', 'content', 'to']);
      assert.equal(child(entry, 'accepted').text, 'true');
      assert.equal(child(entry, 'to').text, NUMBERS.delivered);
      assert.equal(child(child(entry, 'msg'), 'clientMessageId').text, 'order-000-xml');
      for (const group of ['clickatellMsgResponse', 'grandcomMsgResponse', 'ResponseStatus', 'error']) {
        assert.equal(child(root, group).attrs[0]?.name, 'nil', `${group} is nil`);
      }
      const id = child(entry, 'apiMessageId').text;
      const delivered = await waitForStatus(gateway, id, 'delivered', auth);
      assert.equal(delivered.clientRef, 'order-000-xml');
      assert.equal(delivered.text, 'Hello from smsgate');
      // clientMessageId is the message's clientRef: searchable.
      const found = (await listMessages(gateway, { clientRef: 'order-000-xml' }, auth)).json().data;
      assert.deepEqual(
        found.map((m: { id: string }) => m.id),
        [id],
      );
    });

    it('seed 000, JSON: the JavaScript DTOs’ shape gets the SmsMsgResponse in JSON, names as declared', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/communication/message/sms',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({
          Messages: [
            { channel: 'smpp', to: NUMBERS.delivered, content: 'one', clientMessageId: 'json-1' },
            { channel: 'smpp', to: NUMBERS.delivered2, content: 'two', clientMessageId: 'json-2' },
          ],
        }),
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^application\/json; charset=utf-8/);
      const body = response.json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ['SMPPMsgResponse'], 'empty groups and nulls are left out');
      const messages = (body.SMPPMsgResponse as { messages: Record<string, unknown>[] }).messages;
      assert.deepEqual(
        messages.map((m) => Object.keys(m)),
        [
          ['apiMessageId', 'accepted', 'to', 'msg'],
          ['apiMessageId', 'accepted', 'to', 'msg'],
        ],
      );
      assert.deepEqual(messages[1]!.msg, {
        channel: 'smpp',
        to: NUMBERS.delivered2,
        content: 'two',
        clientMessageId: 'json-2',
      });
      for (const m of messages) await waitForStatus(gateway, String(m.apiMessageId), 'delivered', auth);
    });

    const smsSendJsv = (tag: string) => {
      const strings = [
        'Alice',
        '+447911123999',
        'Bob',
        NUMBERS.delivered,
        `Hello Bob (${tag})`,
        `notes ${tag}`,
      ];
      const guid = () => randomUUID().replaceAll('-', '');
      const guids = [guid(), guid(), guid(), guid(), ZERO];
      return { strings, guids, body: (sample: string) => fill(fill(sample, 'String', strings), ZERO, guids) };
    };

    for (const [name, sample] of [
      ['001', SEED_001_REQUEST!],
      ['002', SEED_002_REQUEST!],
    ] as const) {
      it(`seed ${name}, JSV: the sample SMSSend, indented as shown, gets a CommResponse; its fields are kept and searchable`, async () => {
        const { strings, guids, body } = smsSendJsv(`jsv ${name}`);
        const response = await gateway.http.inject({
          method: 'POST',
          url: '/api/sendmessage',
          headers: { ...auth, accept: 'text/jsv', 'content-type': 'text/jsv' },
          payload: body(sample),
        });
        assert.equal(response.statusCode, 200, response.body);
        assert.match(String(response.headers['content-type']), /^application\/jsv/);
        assert.match(
          response.body,
          /^\{CommId:[0-9a-f]{32},Reference:msg_[0-9A-Z]{26},Status:True,Message:Queued 1 message\}$/,
        );
        const answer = readBody(response) as Record<string, string>;
        const id = answer.Reference!;
        const message = await waitForStatus(gateway, id, 'delivered', auth);
        assert.equal(message.to, strings[3]);
        assert.equal(message.from, strings[1]);
        assert.equal(message.text, strings[4]);
        assert.equal((message as { replyRequired?: boolean }).replyRequired, false);
        const detail = await getMessage(gateway, id, auth);
        assert.deepEqual((detail as { refs?: unknown }).refs, {
          commId: answer.CommId,
          'from.contactId': guids[0],
          'from.name': strings[0],
          'from.phoneNumber': strings[1],
          linkedObjectId: guids[2],
          notes: strings[5],
          suiteId: guids[3],
          'to.contactId': guids[1],
          'to.name': strings[2],
        });
        for (const ref of [
          `commId:${answer.CommId}`,
          `linkedObjectId:${guids[2]}`,
          `to.contactId:${guids[1]}`,
          `notes:${strings[5]}`,
        ]) {
          const found = (await listMessages(gateway, { ref }, auth)).json().data as { id: string }[];
          assert.deepEqual(
            found.map((m) => m.id),
            [id],
            ref,
          );
        }
      });
    }

    it('seeds 001/002: the JSV sample on each of the six routes; /immediate answers with the verdict', async () => {
      const { body } = smsSendJsv('routes');
      const routes = [
        '/api/sendmessage',
        '/api/sendmessage/immediate',
        '/api/send',
        '/api/sms/send',
        '/api/send/immediate',
        '/api/sms/send/immediate',
      ];
      for (const url of routes) {
        const response = await gateway.http.inject({
          method: 'POST',
          url,
          headers: { ...auth, accept: 'text/jsv', 'content-type': 'text/jsv' },
          payload: body(SEED_001_REQUEST!),
        });
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
        const answer = readBody(response) as Record<string, string>;
        assert.equal(answer.Status, 'True', url);
        const immediate = url.endsWith('/immediate');
        assert.equal(answer.Message, immediate ? 'Sent to 1 recipient' : 'Queued 1 message', url);
        const message = await getMessage(gateway, answer.Reference!, auth);
        assert.equal(message.priority, immediate ? 'urgent' : 'normal', url);
        if (immediate) assert.ok(['sent', 'delivered'].includes(message.status), `${url}: ${message.status}`);
      }
    });

    it('seed 002, JSON: the Python DTOs’ camelCase names in, camelCase CommResponse out', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/api/sms/send',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({
          smsModel: {
            from: {
              name: 'Alice',
              phoneNumber: '+447911123999',
              contactId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
            },
            to: [
              {
                name: 'Bob',
                phoneNumber: NUMBERS.delivered,
                contactId: '{3F2504E0-4F89-41D3-9A0C-0305E82C3301}',
              },
              { name: 'Carol', phoneNumber: NUMBERS.delivered2, contactId: ZERO },
            ],
            messageBody: 'Hello from JSON',
            replyIsAllowed: false,
            replyIsRequired: false,
            notes: 'json notes',
            linkedObjectId: ZERO,
            suiteId: ZERO,
            licenseeId: ZERO,
          },
          createCommunicationReferencesImmediately: true,
        }),
      });
      assert.equal(response.statusCode, 200, response.body);
      const answer = response.json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(answer), ['commId', 'reference', 'status', 'message']);
      assert.equal(answer.status, true);
      assert.equal(answer.message, 'Queued 2 messages');
      const ids = String(answer.reference).split(',');
      assert.equal(ids.length, 2);
      const [bob, carol] = await Promise.all(ids.map((id) => waitForStatus(gateway, id, 'delivered', auth)));
      assert.equal(bob!.to, NUMBERS.delivered);
      assert.equal(carol!.to, NUMBERS.delivered2);
      const bobRefs = ((await getMessage(gateway, ids[0]!, auth)) as { refs?: unknown }).refs as Record<
        string,
        string
      >;
      const carolRefs = ((await getMessage(gateway, ids[1]!, auth)) as { refs?: unknown }).refs as Record<
        string,
        string
      >;
      // Dashed and braced GUIDs are read; the all-zero GUID is "none"; contact refs are per recipient.
      assert.equal(bobRefs['to.contactId'], '3f2504e04f8941d39a0c0305e82c3301');
      assert.equal(bobRefs['from.contactId'], '1b4e28ba2fa111d2883f0016d3cca427');
      assert.equal(carolRefs['to.contactId'], undefined);
      assert.equal(carolRefs['to.name'], 'Carol');
      assert.equal(bobRefs.linkedObjectId, undefined);
      assert.equal(bobRefs.commId, answer.commId);
      assert.equal(carolRefs.commId, answer.commId);
      assert.equal(member(readBody(response), 'CommId'), answer.commId, 'names match in any case');
    });

    it('seed 000, XML with several messages: one entry each, in request order, in one group', async () => {
      const body = fill(SEED_000_REQUEST!, 'String', ['', 'a', 'first', NUMBERS.delivered]).replace(
        '</Messages>',
        `<SmsMessage><channel></channel><clientMessageId>b</clientMessageId><content>second</content><to>${NUMBERS.rejected}</to></SmsMessage></Messages>`,
      );
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/communication/message/sms',
        headers: { ...auth, 'content-type': 'application/xml' },
        payload: body,
      });
      assert.equal(response.statusCode, 200, response.body);
      // The request's own format answers when Accept says nothing.
      assert.match(String(response.headers['content-type']), /^application\/xml/);
      const entries = groupEntries(readBody(response));
      assert.deepEqual(
        entries.map((e) => [member(member(e, 'msg'), 'clientMessageId'), member(e, 'accepted')]),
        [
          ['a', 'true'],
          ['b', 'false'],
        ],
      );
      assert.match(String(member(entries[1], 'error')), /^rejected: .*ESME_RINVDSTADR/);
    });
  },
  describe,
);
