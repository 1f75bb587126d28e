// Provisioning for the Interact API tests, done as an operator would: through the native API.
// Not a test file.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { parseXml, type XmlElement } from '../../../src/api/formats/xml.js';
import type { Gateway } from '../../../src/gateway.js';
import { ADMIN_AUTH } from '../../helpers/gateway.js';
import { bearer, type Headers } from '../support.js';

/** The seed's sample numbers: a possible-but-invalid sender and two valid Israeli mobiles. */
export const SEED_NUMBERS = {
  sender: '+12121234567',
  caller: '+972 54 4696388',
  callerE164: '+972544696388',
  soapCaller: '+972548120901',
} as const;

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const AGENT_NS = 'http://com/jacada/interact/agent/soap';

export interface InteractTenant {
  readonly tenantId: string;
  readonly accountId: string;
  /** The client account's native API key header. */
  readonly auth: Headers;
  /** Tenant-Id, Application-Key (and Environment-Name when given). */
  readonly headers: Headers;
  readonly appKey: string;
}

async function ok(response: LightMyRequestResponse, status = 201) {
  assert.equal(response.statusCode, status, response.body);
  return response.json();
}

/** A tenant with one client account holding an application key (in `environment`, if given). */
export async function provisionTenant(gateway: Gateway, environment?: string): Promise<InteractTenant> {
  const post = (url: string, payload: unknown, headers: Headers = ADMIN_AUTH) =>
    gateway.http.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const tenant = await ok(await post('/v1/tenants', { name: 'Interact tenant' }));
  const account = await ok(
    await post('/v1/accounts', { name: 'Interact client', role: 'client', tenantId: tenant.id }),
  );
  const auth = bearer(account.apiKey.key);
  const credential = await ok(
    await post(
      `/v1/accounts/${account.id}/credentials`,
      { kind: 'application_key', ...(environment === undefined ? {} : { environment }) },
      auth,
    ),
  );
  assert.equal(credential.identifier, tenant.id);
  return {
    tenantId: tenant.id,
    accountId: account.id,
    auth,
    appKey: credential.secret,
    headers: {
      'tenant-id': tenant.id,
      'application-key': credential.secret,
      ...(environment === undefined ? {} : { 'environment-name': environment }),
    },
  };
}

/** Creates a campaign through `POST /v1/campaigns` (asserting 201). */
export async function createCampaign(gateway: Gateway, headers: Headers, body: Record<string, unknown>) {
  return ok(
    await gateway.http.inject({
      method: 'POST',
      url: '/v1/campaigns',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    }),
  );
}

/** The REST send path of a campaign (`…/campaign/sms/{id}`, with `/callerid/{n}` when given). */
export function smsPath(account: string, campaignId: string, callerId?: string): string {
  const base = `/interact/version/3/account/${encodeURIComponent(account)}/resources/campaign/sms/${encodeURIComponent(campaignId)}`;
  return callerId === undefined ? base : `${base}/callerid/${encodeURIComponent(callerId)}`;
}

/** A REST campaign SMS request. */
export function restSms(
  tenant: InteractTenant,
  campaignId: string,
  body: unknown,
  options: { headers?: Headers; callerInPath?: string; account?: string } = {},
): InjectOptions {
  return {
    method: 'POST',
    url: smsPath(options.account ?? tenant.tenantId, campaignId, options.callerInPath),
    headers: { 'content-type': 'application/json', ...(options.headers ?? tenant.headers) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Issues a token through `generateToken`; returns the answer's body. */
export async function generateToken(
  gateway: Gateway,
  tenant: InteractTenant,
  body: Record<string, unknown>,
): Promise<{ jpToken: string; campaignId: string; callerId: string | null; expiresAt: string }> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: `/interact/version/3/account/${tenant.tenantId}/resources/generateToken`,
    headers: { ...tenant.headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  return ok(response, 200);
}

const SID = /^SM[0-9a-f]{32}$/;

/** Asserts the seed's REST 200 for `campaignId` and returns the messageSid. */
export function assertPlaced(response: LightMyRequestResponse, campaignId: string): string {
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  const prefix = `Placed campaign {${campaignId}} in SMS queue messageSid: `;
  assert.ok(response.body.startsWith(prefix), response.body);
  const sid = response.body.slice(prefix.length);
  assert.match(sid, SID);
  return sid;
}

/** Asserts a plain-text REST answer. */
export function assertText(response: LightMyRequestResponse, status: number, body: string): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  assert.equal(response.body, body);
}

/** Asserts the seed's REST 401: JSON with code 0x7000000 and our moreInfoUrl, and the reason header. */
export function assertUnauthorized(
  response: LightMyRequestResponse,
  reason?: RegExp,
  moreInfoUrl = '/interact/help',
): void {
  assert.equal(response.statusCode, 401, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.deepEqual(response.json(), {
    code: '0x7000000',
    message: 'Request is unauthorized, missing or wrong credentials',
    moreInfoUrl,
  });
  const header = response.headers['unauthenticated-reason'];
  assert.equal(typeof header, 'string');
  if (reason) assert.match(String(header), reason);
}

/** The single element child of a SOAP answer's Body (after checking the envelope's shape). */
export function soapBodyChild(xml: string): XmlElement {
  const root = parseXml(xml);
  assert.equal(root.ns, SOAP_ENVELOPE_NS);
  assert.equal(root.prefix, 'SOAP-ENV');
  assert.deepEqual(
    root.children.map((c) => c.name),
    ['Header', 'Body'],
  );
  const body = root.children[1]!;
  assert.equal(body.children.length, 1);
  return body.children[0]!;
}

/** Asserts a SOAP error row: `GetInteractionUniqueIdResponse/uniqueId` with this text. */
export function assertUniqueId(xml: string, text: string): void {
  const child = soapBodyChild(xml);
  assert.equal(child.ns, AGENT_NS);
  assert.equal(child.prefix, 'ns2');
  assert.equal(child.name, 'GetInteractionUniqueIdResponse');
  assert.equal(child.children.length, 1);
  assert.equal(child.children[0]!.name, 'uniqueId');
  assert.equal(child.children[0]!.ns, AGENT_NS);
  assert.equal(child.children[0]!.text, text);
}

/** Asserts a SOAP fault with this faultcode (and faultstring, when given); returns the faultstring. */
export function assertFault(xml: string, faultcode: string, faultstring?: string): string {
  const child = soapBodyChild(xml);
  assert.equal(child.name, 'Fault');
  assert.equal(child.ns, SOAP_ENVELOPE_NS);
  const code = child.children.find((c) => c.name === 'faultcode');
  const string = child.children.find((c) => c.name === 'faultstring');
  assert.equal(code?.ns, '');
  assert.equal(code?.text, faultcode);
  assert.ok(string && string.text.length > 0);
  if (faultstring !== undefined) assert.equal(string.text, faultstring);
  return string.text;
}

/** A SOAP 1.1 envelope around a `CampaignSMSRequest` with these fields (raw XML values). */
export function soapRequest(fields: Record<string, string>): string {
  const inner = Object.entries(fields)
    .map(([name, value]) => `<soap:${name}>${value}</soap:${name}>`)
    .join('');
  return `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}" xmlns:soap="${AGENT_NS}"><soapenv:Header/><soapenv:Body><soap:CampaignSMSRequest>${inner}</soap:CampaignSMSRequest></soapenv:Body></soapenv:Envelope>`;
}

/** A POST to the SOAP endpoint. */
export function soapPost(
  payload: string,
  headers: Headers,
  contentType = 'text/xml; charset=utf-8',
): InjectOptions {
  return {
    method: 'POST',
    url: '/interact/version/2/agent/soap',
    headers: { ...headers, 'content-type': contentType },
    payload,
  };
}
