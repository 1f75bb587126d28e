// Helpers shared by the dashboard tests: sign in through the real login form (inject), and call
// the dashboard with the session. Not a test file itself.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../src/gateway.js';
import { ADMIN_AUTH } from '../helpers/gateway.js';

export interface SignedIn {
  /** The `Cookie` header value carrying the session. */
  readonly cookie: string;
  /** The session's CSRF token, as the page shell gives it to scripts. */
  readonly csrf: string;
}

/** The `name=value` part of the Set-Cookie for `name`. */
export function setCookie(response: LightMyRequestResponse, name: string): string | undefined {
  const header = response.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return all.find((c) => c.startsWith(`${name}=`));
}

/** Fetches the login form; returns its CSRF cookie and field value. */
export async function loginForm(gateway: Gateway): Promise<{ cookie: string; token: string }> {
  const page = await gateway.http.inject({ method: 'GET', url: '/dashboard/login' });
  assert.equal(page.statusCode, 200, page.body);
  const cookie = setCookie(page, 'smsgate_login_csrf');
  assert.ok(cookie, 'login CSRF cookie set');
  const token = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(token, 'login form carries a CSRF field');
  return { cookie: cookie.split(';')[0]!, token };
}

/** Posts the login form. */
export async function postLogin(
  gateway: Gateway,
  apiKey: string,
  form?: { cookie: string; token: string },
): Promise<LightMyRequestResponse> {
  const { cookie, token } = form ?? (await loginForm(gateway));
  return gateway.http.inject({
    method: 'POST',
    url: '/dashboard/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    payload: new URLSearchParams({ apiKey, csrf: token }).toString(),
  });
}

/** Signs in with a key and reads the CSRF token off a page, as the browser does. */
export async function signIn(gateway: Gateway, apiKey: string): Promise<SignedIn> {
  const response = await postLogin(gateway, apiKey);
  assert.equal(response.statusCode, 303, response.body);
  const session = setCookie(response, 'smsgate_session');
  assert.ok(session, 'session cookie set');
  const cookie = session.split(';')[0]!;
  const page = await gateway.http.inject({ method: 'GET', url: '/dashboard/overview', headers: { cookie } });
  assert.equal(page.statusCode, 200, page.body);
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
  assert.ok(csrf, 'page carries the CSRF token');
  return { cookie, csrf };
}

/** A dashboard script's request: session cookie and (unless `csrf: false`) its CSRF header. */
export function dashboardApi(
  gateway: Gateway,
  session: SignedIn,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  options: { csrf?: string | false } = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (options.csrf !== false) headers['x-csrf-token'] = options.csrf ?? session.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return gateway.http.inject({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** Creates a tenant, optionally managed by a partner (admin API). */
export async function createTenant(
  gateway: Gateway,
  name: string,
  partnerAccountId?: string,
): Promise<string> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify({ name, ...(partnerAccountId ? { partnerAccountId } : {}) }),
  });
  assert.equal(response.statusCode, 201, response.body);
  return (response.json() as { id: string }).id;
}

/** Creates an account through the admin API; returns its id and first key. */
export async function createApiAccount(
  gateway: Gateway,
  body: { name: string; role?: string; tenantId?: string },
): Promise<{ id: string; key: string }> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  assert.equal(response.statusCode, 201, response.body);
  const account = response.json() as { id: string; apiKey: { key: string } };
  return { id: account.id, key: account.apiKey.key };
}
