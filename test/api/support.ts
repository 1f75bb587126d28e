// Helpers shared by the native /v1 API tests (test/api/*.test.ts). Not a test file itself.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { generateApiKey } from '../../src/accounts/api-keys.js';
import { newId } from '../../src/core/ids.js';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import { insertAccount, insertApiKey } from '../../src/store/queries/accounts.js';
import { ADMIN_AUTH, waitFor } from '../helpers/gateway.js';

/** Valid UK mobile numbers; the last four digits pick the sim connector's outcome (DEFAULT_SIM_RULES). */
export const NUMBERS = {
  delivered: '+447911123456',
  delivered2: '+447911123457',
  delivered3: '+447911123458',
  undelivered: '+447911120000',
  rejected: '+447911120001',
  expired: '+447911120002',
  throttled: '+447911120003',
} as const;

export type Headers = Record<string, string>;

/** An `Authorization: Bearer` header for a key. */
export function bearer(key: string): Headers {
  return { authorization: `Bearer ${key}` };
}

/** `POST /v1/messages` with a JSON body (admin unless `headers` says otherwise). */
export function sendMessages(
  gateway: Gateway,
  body: unknown,
  headers: Headers = ADMIN_AUTH,
): Promise<LightMyRequestResponse> {
  return gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

/** `POST /v1/messages` with a raw payload and explicit headers (for malformed requests). */
export function sendRaw(
  gateway: Gateway,
  payload: string | Buffer | undefined,
  headers: Headers,
): Promise<LightMyRequestResponse> {
  return gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { ...ADMIN_AUTH, ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** Sends and asserts 202; returns the accepted messages. */
export async function sendOk(
  gateway: Gateway,
  body: Record<string, unknown>,
  headers: Headers = ADMIN_AUTH,
): Promise<AcceptedView[]> {
  const response = await sendMessages(gateway, body, headers);
  assert.equal(response.statusCode, 202, response.body);
  return response.json().messages as AcceptedView[];
}

/** Sends one message and returns its id. */
export async function sendOne(
  gateway: Gateway,
  body: Record<string, unknown>,
  headers: Headers = ADMIN_AUTH,
): Promise<string> {
  const [message] = await sendOk(gateway, body, headers);
  assert.ok(message, 'one message accepted');
  return message.id;
}

/** `GET` a URL with auth. */
export function get(gateway: Gateway, url: string, headers: Headers = ADMIN_AUTH) {
  return gateway.http.inject({ method: 'GET', url, headers });
}

/** `GET /v1/messages/:id`, asserting 200. */
export async function getMessage(
  gateway: Gateway,
  id: string,
  headers: Headers = ADMIN_AUTH,
): Promise<MessageView> {
  const response = await get(gateway, `/v1/messages/${encodeURIComponent(id)}`, headers);
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as MessageView;
}

/** Polls `GET /v1/messages/:id` until the message has `status`. */
export function waitForStatus(
  gateway: Gateway,
  id: string,
  status: string,
  headers: Headers = ADMIN_AUTH,
): Promise<MessageView> {
  return waitFor(
    async () => {
      const message = await getMessage(gateway, id, headers);
      return message.status === status ? message : undefined;
    },
    10_000,
    `message ${id} to be ${status}`,
  );
}

/** `GET /v1/messages` with query parameters (properly encoded: `+` in E.164 numbers survives). */
export function listMessages(
  gateway: Gateway,
  query: Record<string, string | number> = {},
  headers: Headers = ADMIN_AUTH,
) {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const qs = params.toString();
  return get(gateway, `/v1/messages${qs ? `?${qs}` : ''}`, headers);
}

/** Every message id `GET /v1/messages` shows, following `nextCursor` to the end. */
export async function listAllIds(
  gateway: Gateway,
  query: Record<string, string | number> = {},
  headers: Headers = ADMIN_AUTH,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const response = await listMessages(gateway, cursor ? { ...query, cursor } : query, headers);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as { data: MessageView[]; nextCursor: string | null };
    ids.push(...body.data.map((m) => m.id));
    cursor = body.nextCursor;
    if (cursor === null) return ids;
  }
  throw new Error('pagination did not end');
}

/** Messages in the store, all accounts: counted in the database, not through the API. */
export async function countStoredMessages(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Creates an account with one API key directly in the store; returns its id, key and auth header. */
export async function createAccount(
  store: Store,
  options: { role?: 'admin' | 'partner' | 'client'; disabled?: boolean; revoked?: boolean } = {},
): Promise<{ accountId: string; key: string; auth: Headers }> {
  const now = Date.now();
  const accountId = newId('acc');
  await insertAccount(store, {
    id: accountId,
    name: `test ${accountId}`,
    role: options.role ?? 'client',
    tenant_id: null,
    created_at: now,
    disabled_at: options.disabled ? now : null,
  });
  const key = generateApiKey();
  await insertApiKey(store, {
    id: newId('key'),
    account_id: accountId,
    prefix: key.prefix,
    hash: key.hash,
    name: 'test key',
    created_at: now,
    last_used_at: null,
    revoked_at: options.revoked ? now : null,
  });
  return { accountId, key: key.key, auth: bearer(key.key) };
}

/** Asserts a native error response: status, `{"error":{"code","message","field"?}}`, and what it names. */
export function assertError(
  response: LightMyRequestResponse,
  status: number,
  expected: { code?: string; field?: string; message?: RegExp } = {},
): ErrorView['error'] {
  assert.equal(
    response.statusCode,
    status,
    `expected ${status}, got ${response.statusCode}: ${response.body}`,
  );
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = response.json() as ErrorView;
  assert.equal(typeof body.error, 'object', `native error shape expected: ${response.body}`);
  assert.equal(typeof body.error.code, 'string', response.body);
  assert.equal(typeof body.error.message, 'string', response.body);
  assert.ok(body.error.message.length > 0, response.body);
  if (expected.code !== undefined) assert.equal(body.error.code, expected.code, response.body);
  if (expected.field !== undefined) assert.equal(body.error.field, expected.field, response.body);
  if (expected.message !== undefined) assert.match(body.error.message, expected.message);
  return body.error;
}

/** An ISO time `ms` from now. */
export function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

export const ONE_HOUR_MS = 3_600_000;

export interface AcceptedView {
  id: string;
  to: string;
  status: string;
  encoding: string;
  segments: number;
  clientRef: string | null;
  scheduleAt: string | null;
  createdAt: string;
}

export interface HistoryView {
  status: string;
  at: string;
  code: string | null;
  detail: string | null;
}

export interface PartView {
  index: number;
  connector: string;
  upstreamId: string;
  status: string;
  code: string | null;
}

export interface MessageView {
  id: string;
  to: string;
  from: string | null;
  text: string;
  status: string;
  encoding: string;
  segments: number;
  priority: string;
  connector: string | null;
  route: string | null;
  attempts: number;
  clientRef: string | null;
  metadata: unknown;
  callbackUrl: string | null;
  scheduleAt: string | null;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  finalAt: string | null;
  lastCode: string | null;
  lastDetail: string | null;
  history?: HistoryView[];
  parts?: PartView[];
}

export interface ErrorView {
  error: { code: string; message: string; field?: string };
}

/** A parsed API answer (`body` is the JSON, or the raw text when it is not JSON). */
export interface Answer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
}

/** Calls the API with `key` (none: unauthenticated) and a JSON payload. */
export async function callApi(
  gateway: Gateway,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  key?: string,
  payload?: unknown,
): Promise<Answer> {
  const response = await gateway.http.inject({
    method,
    url,
    ...(key === undefined ? {} : { headers: bearer(key) }),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  let body: unknown;
  try {
    body = response.body === '' ? undefined : JSON.parse(response.body);
  } catch {
    body = response.body;
  }
  return { status: response.statusCode, text: response.body, body };
}

/** `callApi`, asserting the status. */
export async function expectApi(
  gateway: Gateway,
  status: number,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  key?: string,
  payload?: unknown,
): Promise<Answer> {
  const answer = await callApi(gateway, method, url, key, payload);
  assert.equal(answer.status, status, `${method} ${url}: ${answer.text}`);
  return answer;
}

/** Creates an account through the API (as `creatorKey`); returns its id and first key. */
export async function createAccountApi(
  gateway: Gateway,
  creatorKey: string,
  body: { name: string; role?: 'admin' | 'partner' | 'client'; tenantId?: string | null },
): Promise<{ id: string; key: string }> {
  const answer = await expectApi(gateway, 201, 'POST', '/v1/accounts', creatorKey, body);
  return { id: answer.body.id as string, key: answer.body.apiKey.key as string };
}

/** Creates a tenant through the API (as `creatorKey`); returns its id. */
export async function createTenantApi(
  gateway: Gateway,
  creatorKey: string,
  body: { name: string; partnerAccountId?: string },
): Promise<string> {
  return (await expectApi(gateway, 201, 'POST', '/v1/tenants', creatorKey, body)).body.id as string;
}
