// Helpers shared by the ServiceStack dialect tests and adapters: reading its answers in each format,
// checking ResponseStatus, making tenants and accounts through the native API. Not a test file.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { parseJsv } from '../../../../src/api/formats/jsv.js';
import { parseDataContract, parseXml } from '../../../../src/api/formats/xml.js';
import type { Gateway } from '../../../../src/gateway.js';
import { ADMIN_AUTH } from '../../../helpers/gateway.js';
import { bearer, type Headers } from '../../support.js';

/** Content types as ServiceStack clients send them. */
export const CONTENT_TYPES = {
  json: 'application/json',
  xml: 'application/xml',
  jsv: 'text/jsv',
  form: 'application/x-www-form-urlencoded',
} as const;

/** The answer's body as plain data, read in the format its Content-Type names. */
export function readBody(
  response: LightMyRequestResponse | { headers: Record<string, unknown>; body: string },
): Record<string, unknown> {
  const type = String(response.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) return JSON.parse(response.body) as Record<string, unknown>;
  if (type.startsWith('application/xml')) {
    return parseDataContract(parseXml(response.body), { lists: ['messages', 'Errors'] }) as Record<
      string,
      unknown
    >;
  }
  if (type.startsWith('application/jsv')) return parseJsv(response.body) as Record<string, unknown>;
  throw new Error(`unexpected content type ${type}: ${response.body}`);
}

/** A ResponseStatus as any format and casing carries it. */
export interface Status {
  errorCode: string;
  message: string;
  errors: { errorCode: string; fieldName: string; message: string }[];
}

/** Looks up a key in any letter case. */
export function member(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (object as Record<string, unknown>)[key];
}

/**
 * Asserts an error answer: its status, a ResponseStatus (whatever the format and case) with a
 * code and a message, no stack trace; returns it normalised.
 */
export function assertStatus(response: LightMyRequestResponse, status: number, errorCode?: string): Status {
  assert.equal(response.statusCode, status, response.body);
  assert.doesNotMatch(response.body, /at .+\.(ts|js):\d+/, 'no stack trace');
  const body = readBody(response);
  const raw = member(body, 'ResponseStatus') as Record<string, unknown> | undefined;
  assert.ok(raw, `a ResponseStatus: ${response.body}`);
  const errors = (member(raw, 'Errors') ?? []) as Record<string, unknown>[];
  const normalised: Status = {
    errorCode: String(member(raw, 'ErrorCode')),
    message: String(member(raw, 'Message')),
    errors: (Array.isArray(errors) ? errors : []).map((e) => ({
      errorCode: String(member(e, 'ErrorCode')),
      fieldName: String(member(e, 'FieldName')),
      message: String(member(e, 'Message')),
    })),
  };
  assert.ok(normalised.message.length > 0, response.body);
  assert.equal(member(raw, 'StackTrace') ?? null, null, 'no stack trace');
  if (errorCode !== undefined) assert.equal(normalised.errorCode, errorCode, response.body);
  return normalised;
}

/** Creates an account (and its key) through the native API as the admin; returns its id, key and auth. */
export async function newAccount(
  gateway: Gateway,
  options: { role?: 'client' | 'partner' | 'admin'; tenantId?: string; as?: Headers } = {},
): Promise<{ accountId: string; key: string; auth: Headers }> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { ...(options.as ?? ADMIN_AUTH), 'content-type': 'application/json' },
    payload: JSON.stringify({
      name: `account ${Math.random().toString(36).slice(2)}`,
      role: options.role ?? 'client',
      ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    }),
  });
  assert.equal(response.statusCode, 201, response.body);
  const body = response.json() as { id: string; apiKey: { key: string } };
  return { accountId: body.id, key: body.apiKey.key, auth: bearer(body.apiKey.key) };
}

/** Creates a tenant through the native API; returns its id and licensee id (as the API shows them). */
export async function newTenant(
  gateway: Gateway,
  as: Headers = ADMIN_AUTH,
): Promise<{ id: string; licenseeId: string }> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: { ...as, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: `tenant ${Math.random().toString(36).slice(2)}` }),
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json() as { id: string; licenseeId: string };
}

/** Sets an account's limits through the native API (as the admin). */
export async function setLimits(
  gateway: Gateway,
  accountId: string,
  limits: Record<string, unknown>,
): Promise<void> {
  const response = await gateway.http.inject({
    method: 'PATCH',
    url: `/v1/accounts/${accountId}`,
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify({ limits }),
  });
  assert.equal(response.statusCode, 200, response.body);
}

/** The message ids a seed 000 SmsMsgResponse reports, by group. */
export function groupIds(body: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const group of ['grandcomMsgResponse', 'clickatellMsgResponse', 'SMPPMsgResponse']) {
    const value = member(body, group) as Record<string, unknown> | null | undefined;
    if (!value) continue;
    const messages = (member(value, 'messages') ?? []) as Record<string, unknown>[];
    out[group] = messages.map((m) => String(member(m, 'apiMessageId')));
  }
  return out;
}

/** The messages of a seed 000 answer, every group together, in group order. */
export function groupEntries(body: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const group of ['grandcomMsgResponse', 'clickatellMsgResponse', 'SMPPMsgResponse']) {
    const value = member(body, group) as Record<string, unknown> | null | undefined;
    if (value) out.push(...((member(value, 'messages') ?? []) as Record<string, unknown>[]));
  }
  return out;
}
