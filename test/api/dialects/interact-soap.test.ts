/**
 * The Interact campaign API's SOAP form (seed 004) over a real socket, driven by a client the `soap`
 * package generates from our WSDL: every row of the seed's SOAP table produced by the request that
 * causes it (success, invalid parameter, the 0x7000000 fault, unknown campaign, both
 * telephony-provider rows, the internal error), the token rows, and malformed envelopes and XML with
 * entity declarations, each a client fault (never a 5xx) that stores nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import soap from 'soap';
import { parseXml, type XmlElement } from '../../../src/api/formats/xml.js';
import { fromMessageSid } from '../../../src/core/message-sid.js';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import { countStoredMessages, getMessage } from '../support.js';
import {
  AGENT_NS,
  assertFault,
  assertUniqueId,
  createCampaign,
  generateToken,
  type InteractTenant,
  provisionTenant,
  SEED_NUMBERS,
  soapPost,
  soapRequest,
} from './interact-support.js';

const TELEPHONY =
  'Your Telephony provider is not defined, please contact Uniphore Support and read the following +link+';
const WSDL_PATH = '/interact/version/2/agent/soap/agent.wsdl';
const ENDPOINT_PATH = '/interact/version/2/agent/soap';

/** The generated client's operation, as node-soap builds it from the WSDL. */
interface AgentClient extends soap.Client {
  CampaignSMSRequestAsync(args: Record<string, unknown>): Promise<[{ message: string } | undefined, string]>;
}

/** A client generated from the gateway's WSDL, sending these HTTP headers. */
async function agentClient(gateway: Gateway, headers: Record<string, string>): Promise<AgentClient> {
  const client = (await soap.createClientAsync(gateway.url + WSDL_PATH)) as AgentClient;
  for (const [name, value] of Object.entries(headers)) client.addHttpHeader(name, value);
  return client;
}

/** The exact success envelope of the seed. */
function successEnvelope(campaignId: string, sid: string): string {
  return `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/><SOAP-ENV:Body><ns2:CampaignSMSResponse xmlns:ns2="http://com/jacada/interact/agent/soap"><ns2:message>message: Campaign ${campaignId} was sent to queue messageSid: ${sid}</ns2:message></ns2:CampaignSMSResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}

const SID_IN_MESSAGE = /messageSid: (SM[0-9a-f]{32})$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function find(element: XmlElement, name: string): XmlElement[] {
  return [
    ...(element.name === name ? [element] : []),
    ...element.children.flatMap((child) => find(child, name)),
  ];
}

await describeEachDatabase(
  'Interact SOAP campaign SMS',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let tenant: InteractTenant;
    let client: AgentClient;
    const sample = (fields: Record<string, unknown> = {}) => ({
      campaignId: 'camp 1',
      additionalParams: 'Variable1=Value1',
      callerId: SEED_NUMBERS.soapCaller,
      from: '',
      sendFromMasterAccount: false,
      ...fields,
    });
    const post = (payload: string | Buffer, contentType?: string) =>
      gateway.http.inject(soapPost(payload as string, tenant.headers, contentType));

    before(async () => {
      store = await db.open();
      const first = await startTestGateway(store, {
        config: {
          connectors: [
            { name: 'sim', type: 'sim', receiptDelayMs: 5 },
            { name: 'old', type: 'sim', receiptDelayMs: 5 },
          ],
        },
      });
      tenant = await provisionTenant(first);
      await createCampaign(first, tenant.auth, {
        id: 'camp 1',
        text: 'Your code: {{Variable1}} {{Variable2}}',
        from: SEED_NUMBERS.sender,
      });
      await createCampaign(first, ADMIN_AUTH, {
        id: 'legacy',
        text: 'x',
        connector: 'old',
        accountId: tenant.accountId,
      });
      await first.stop(false);
      // The restart drops connector "old"; routes reach Israel and the UK only; a master sender exists.
      gateway = await startTestGateway(store, {
        listen: true,
        config: {
          connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 5 }],
          routes: [
            { prefix: '+972', connector: 'sim' },
            { prefix: '+44', connector: 'sim' },
          ],
          campaigns: { masterSender: 'SYSTEM' },
        },
      });
      client = await agentClient(gateway, { 'Tenant-Id': tenant.tenantId, 'Application-Key': tenant.appKey });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('serves the WSDL without credentials: the agent namespace, CampaignSMSRequest, our endpoint', async () => {
      const response = await fetch(gateway.url + WSDL_PATH);
      assert.equal(response.status, 200);
      assert.match(String(response.headers.get('content-type')), /^text\/xml/);
      const wsdl = parseXml(await response.text());
      assert.equal(wsdl.name, 'definitions');
      assert.equal(wsdl.attrs.find((a) => a.name === 'targetNamespace')?.value, AGENT_NS);
      const operations = find(wsdl, 'operation')
        .filter((o) => o.ns === 'http://schemas.xmlsoap.org/wsdl/')
        .map((o) => o.attrs.find((a) => a.name === 'name')?.value);
      assert.deepEqual([...new Set(operations)], ['CampaignSMSRequest']);
      const [address] = find(wsdl, 'address');
      assert.equal(address?.attrs.find((a) => a.name === 'location')?.value, gateway.url + ENDPOINT_PATH);
      const schemaElements = find(wsdl, 'element').map((e) => e.attrs.find((a) => a.name === 'name')?.value);
      for (const name of [
        'campaignId',
        'additionalParams',
        'callerId',
        'from',
        'sendFromMasterAccount',
        'jpToken',
      ]) {
        assert.ok(schemaElements.includes(name), name);
      }
      // The address follows the Host the WSDL was fetched from, unless it is not a plain host.
      const proxied = await gateway.http.inject({
        method: 'GET',
        url: WSDL_PATH,
        headers: { host: 'sms.example.com:8443' },
      });
      assert.match(
        proxied.body,
        /location="http:\/\/sms\.example\.com:8443\/interact\/version\/2\/agent\/soap"/,
      );
      const hostile = await gateway.http.inject({
        method: 'GET',
        url: WSDL_PATH,
        headers: { host: 'x"><evil/>' },
      });
      assert.ok(hostile.body.includes(`location="${gateway.url}${ENDPOINT_PATH}"`));
      assert.equal(hostile.headers['cache-control'], 'no-store');
    });

    it('success: the seed’s sample through the generated client; the exact envelope; the SID is the message', async () => {
      const { jpToken } = await generateToken(gateway, tenant, { campaignId: 'camp 1' });
      const [result, raw] = await client.CampaignSMSRequestAsync(sample({ jpToken }));
      const sid = SID_IN_MESSAGE.exec(result?.message ?? '')?.[1];
      assert.ok(sid, raw);
      assert.equal(result?.message, `message: Campaign camp 1 was sent to queue messageSid: ${sid}`);
      assert.equal(raw, successEnvelope('camp 1', sid));
      const message = await getMessage(gateway, fromMessageSid(sid)!, tenant.auth);
      assert.equal(message.to, SEED_NUMBERS.soapCaller);
      assert.equal(message.from, SEED_NUMBERS.sender);
      assert.equal(message.text, 'Your code: Value1 {{Variable2}}');
      const row = await store.db
        .selectFrom('interactions')
        .selectAll()
        .where('token', '=', jpToken)
        .executeTakeFirstOrThrow();
      assert.equal(row.sms_sent, 1);
      assert.equal(row.message_id, message.id);
    });

    it('success: sendFromMasterAccount sends from the master sender; application/soap+xml is read too', async () => {
      const [result] = await client.CampaignSMSRequestAsync(sample({ sendFromMasterAccount: true }));
      const sid = SID_IN_MESSAGE.exec(result?.message ?? '')![1]!;
      assert.equal((await getMessage(gateway, fromMessageSid(sid)!, tenant.auth)).from, 'SYSTEM');
      const soap12Type = await post(
        soapRequest({ campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller }),
        'application/soap+xml; charset=utf-8',
      );
      assert.equal(soap12Type.statusCode, 200, soap12Type.body);
      assert.match(soap12Type.body, /CampaignSMSResponse/);
    });

    it('invalid body parameter: GetInteractionUniqueIdResponse "Missing or invalid parameter <parameter>"', async () => {
      const before = await countStoredMessages(store);
      const [result, raw] = await client.CampaignSMSRequestAsync(sample({ callerId: 'nobody' }));
      assert.equal(result, undefined);
      assertUniqueId(raw, 'Missing or invalid parameter callerId');
      // The generated client reads the answer with the WSDL's own schema.
      const parsed = client.wsdl.xmlToObject(raw) as {
        Body: { GetInteractionUniqueIdResponse: { uniqueId: string } };
      };
      assert.equal(
        parsed.Body.GetInteractionUniqueIdResponse.uniqueId,
        'Missing or invalid parameter callerId',
      );
      const cases: [Record<string, string>, string][] = [
        [{ callerId: SEED_NUMBERS.soapCaller }, 'campaignId'],
        [{ campaignId: 'camp 1' }, 'callerId'],
        [{ campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller, from: '+4479111234' }, 'from'],
        [
          { campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller, sendFromMasterAccount: 'maybe' },
          'sendFromMasterAccount',
        ],
        [
          { campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller, additionalParams: 'a=%FF' },
          'additionalParams',
        ],
        [{ campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller, jpToken: 'Aejhib7' }, 'jpToken'],
        [{ campaignId: 'camp 1', callerId: `<x>${SEED_NUMBERS.soapCaller}</x>` }, 'callerId'],
        [
          { campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller, from: 'A</soap:from><soap:from>B' },
          'from',
        ],
      ];
      for (const [fields, parameter] of cases) {
        const response = await post(soapRequest(fields));
        assert.equal(response.statusCode, 200, response.body);
        assertUniqueId(response.body, `Missing or invalid parameter ${parameter}`);
      }
      assert.equal(await countStoredMessages(store), before);
    });

    it('invalid security headers: the SOAP-ENV:Fault with 0x7000000, 401 and Unauthenticated-Reason', async () => {
      const before = await countStoredMessages(store);
      const anonymous = await agentClient(gateway, {});
      const wrong = await agentClient(gateway, {
        'Tenant-Id': tenant.tenantId,
        'Application-Key': 'wrong-key-0000',
      });
      for (const [caller, reason] of [
        [anonymous, 'Tenant-Id header is missing'],
        [wrong, 'Tenant-Id, Application-Key or Environment-Name is wrong'],
      ] as const) {
        await assert.rejects(
          caller.CampaignSMSRequestAsync(sample()),
          (
            error: Error & { response?: { status: number; headers: Record<string, string>; data: string } },
          ) => {
            assert.equal(error.message, '0x7000000: Request is unauthorized, missing or wrong credentials');
            assert.equal(error.response?.status, 401);
            assert.equal(error.response?.headers['unauthenticated-reason'], reason);
            assert.equal(
              error.response?.data,
              '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>0x7000000</faultcode><faultstring>Request is unauthorized, missing or wrong credentials</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>',
            );
            return true;
          },
        );
      }
      assert.equal(await countStoredMessages(store), before);
    });

    it('campaign does not exist: GetInteractionUniqueIdResponse "Campaign <campaign id> was not found"', async () => {
      const [result, raw] = await client.CampaignSMSRequestAsync(sample({ campaignId: 'camp 2' }));
      assert.equal(result, undefined);
      assertUniqueId(raw, 'Campaign camp 2 was not found');
    });

    it('telephony provider settings expired: the campaign’s connector is no longer configured', async () => {
      const before = await countStoredMessages(store);
      const [, raw] = await client.CampaignSMSRequestAsync(sample({ campaignId: 'legacy' }));
      assertUniqueId(raw, TELEPHONY);
      assert.equal(await countStoredMessages(store), before);
    });

    it('telephony provider settings not configured: no route for the caller', async () => {
      const before = await countStoredMessages(store);
      const [, raw] = await client.CampaignSMSRequestAsync(sample({ callerId: '+33612345678' }));
      assertUniqueId(raw, TELEPHONY);
      assert.equal(await countStoredMessages(store), before);
    });

    it('tokens: an expired one answers "Token expired", an unknown one names jpToken', async () => {
      const { jpToken } = await generateToken(gateway, tenant, { campaignId: 'camp 1', expiresInSeconds: 1 });
      await sleep(1100);
      const [, expired] = await client.CampaignSMSRequestAsync(sample({ jpToken }));
      assertUniqueId(expired, 'Token expired');
      const [, unknown] = await client.CampaignSMSRequestAsync(sample({ jpToken: 'nope' }));
      assertUniqueId(unknown, 'Missing or invalid parameter jpToken');
    });

    it('malformed envelopes and XML with entity declarations are client faults, never a 5xx, storing nothing', async () => {
      const before = await countStoredMessages(store);
      const ENV = 'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"';
      const AGENT = `xmlns:soap="${AGENT_NS}"`;
      const request =
        '<soap:CampaignSMSRequest><soap:campaignId>camp 1</soap:campaignId><soap:callerId>+972548120901</soap:callerId></soap:CampaignSMSRequest>';
      const dtd = /DTD is prohibited/;
      const cases: [string | Buffer, number, string, RegExp?][] = [
        ['not xml at all', 400, 'SOAP-ENV:Client'],
        ['', 400, 'SOAP-ENV:Client'],
        [`<soapenv:Envelope ${ENV}><soapenv:Body>`, 400, 'SOAP-ENV:Client'],
        [
          `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><soapenv:Envelope ${ENV} ${AGENT}><soapenv:Body><soap:CampaignSMSRequest><soap:campaignId>&lol2;</soap:campaignId></soap:CampaignSMSRequest></soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          dtd,
        ],
        [
          `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soapenv:Envelope ${ENV} ${AGENT}><soapenv:Body><soap:CampaignSMSRequest><soap:campaignId>&xxe;</soap:campaignId></soap:CampaignSMSRequest></soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          dtd,
        ],
        [`<!DOCTYPE soapenv:Envelope><soapenv:Envelope ${ENV}/>`, 400, 'SOAP-ENV:Client', dtd],
        [`<!DOCTYPE x [<!ENTITY a "b"`, 400, 'SOAP-ENV:Client', dtd],
        [
          `<soapenv:Envelope ${ENV} ${AGENT}><soapenv:Body><soap:CampaignSMSRequest><soap:campaignId>&undeclared;</soap:campaignId></soap:CampaignSMSRequest></soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
        ],
        ['<CampaignSMSRequest/>', 400, 'SOAP-ENV:Client', /not a SOAP envelope/],
        [
          `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body/></env:Envelope>`,
          400,
          'SOAP-ENV:VersionMismatch',
        ],
        [
          `<soapenv:Envelope ${ENV}><soapenv:Header/></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /exactly one Body/,
        ],
        [
          `<soapenv:Envelope ${ENV} ${AGENT}><soapenv:Body>${request}</soapenv:Body><soapenv:Body>${request}</soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /exactly one Body/,
        ],
        [
          `<soapenv:Envelope ${ENV}><soapenv:Body/></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /exactly one request/,
        ],
        [
          `<soapenv:Envelope ${ENV} ${AGENT}><soapenv:Body>${request}${request}</soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /exactly one request/,
        ],
        [
          `<soapenv:Envelope ${ENV} ${AGENT}><soapenv:Body><soap:GetInteractionUniqueIdRequest/></soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /Unknown operation/,
        ],
        [
          `<soapenv:Envelope ${ENV}><soapenv:Body><CampaignSMSRequest/></soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /Unknown operation/,
        ],
        [
          `<soapenv:Envelope ${ENV} ${AGENT}><soapenv:Header><x:Security xmlns:x="urn:x" soapenv:mustUnderstand="1"/></soapenv:Header><soapenv:Body>${request}</soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:MustUnderstand',
        ],
        [
          `<soapenv:Envelope ${ENV}><soapenv:Body>${request}</soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /prefix/,
        ],
        [
          Buffer.concat([
            Buffer.from(`<soapenv:Envelope ${ENV}><soapenv:Body>`),
            Buffer.from([0xc3, 0x28]),
            Buffer.from('</soapenv:Body></soapenv:Envelope>'),
          ]),
          400,
          'SOAP-ENV:Client',
          /UTF-8/,
        ],
        [
          `<soapenv:Envelope ${ENV}><soapenv:Body>${'<a>'.repeat(20)}${'</a>'.repeat(20)}</soapenv:Body></soapenv:Envelope>`,
          400,
          'SOAP-ENV:Client',
          /deeper/,
        ],
      ];
      for (const [payload, status, faultcode, faultstring] of cases) {
        const response = await post(payload);
        assert.equal(response.statusCode, status, `${String(payload).slice(0, 80)} → ${response.body}`);
        assert.match(String(response.headers['content-type']), /^text\/xml/);
        const text = assertFault(response.body, faultcode);
        if (faultstring) assert.match(text, faultstring);
      }
      const json = await post('{"campaignId":"camp 1"}', 'application/json');
      assert.equal(json.statusCode, 415);
      assertFault(json.body, 'SOAP-ENV:Client');
      const plain = await post(
        soapRequest({ campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller }),
        'text/plain',
      );
      assert.equal(plain.statusCode, 415);
      assertFault(plain.body, 'SOAP-ENV:Client');
      const huge = await post(soapRequest({ campaignId: 'camp 1', callerId: 'x'.repeat(1_100_000) }));
      assert.equal(huge.statusCode, 413);
      assertFault(huge.body, 'SOAP-ENV:Client');
      assert.equal(await countStoredMessages(store), before);
    });
  },
  describe,
);

await describeEachDatabase(
  'Interact SOAP campaign SMS: an internal error',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let client: AgentClient;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { listen: true });
      const tenant = await provisionTenant(gateway);
      await createCampaign(gateway, tenant.auth, { id: 'camp 1', text: 'x' });
      client = await agentClient(gateway, { 'Tenant-Id': tenant.tenantId, 'Application-Key': tenant.appKey });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('general error: "exception" as a SOAP-ENV:Server fault, and nothing more', async () => {
      await sql`drop table campaigns`.execute(store.db);
      await assert.rejects(
        client.CampaignSMSRequestAsync({ campaignId: 'camp 1', callerId: SEED_NUMBERS.soapCaller }),
        (error: Error & { response?: { status: number; data: string } }) => {
          assert.equal(error.message, 'SOAP-ENV:Server: exception');
          assert.equal(error.response?.status, 500);
          assertFault(error.response!.data, 'SOAP-ENV:Server', 'exception');
          return true;
        },
      );
    });
  },
  describe,
);
