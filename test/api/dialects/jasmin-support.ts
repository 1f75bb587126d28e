// Helpers shared by the Jasmin tests: a `jasmin` credential made through the admin API, and
// requests as Jasmin's HTTP and REST API clients make them. Not a test file.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../../src/gateway.js';
import { ADMIN_AUTH } from '../../helpers/gateway.js';

/** An account with a `jasmin` credential (a Jasmin user). */
export interface JasminUser {
  readonly accountId: string;
  readonly username: string;
  readonly password: string;
}

let counter = 0;

/** Creates a client account and a `jasmin` username + password for it. */
export async function provisionJasmin(
  gateway: Gateway,
  options: { username?: string; password?: string } = {},
): Promise<JasminUser> {
  counter++;
  const account = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: ADMIN_AUTH,
    payload: { name: 'jasmin application', role: 'client' },
  });
  assert.equal(account.statusCode, 201, account.body);
  const { id: accountId } = account.json() as { id: string };
  const username = options.username ?? `jasmin${process.pid}x${counter}`;
  const password = options.password ?? `secret-${counter}`;
  const credential = await gateway.http.inject({
    method: 'POST',
    url: `/v1/accounts/${accountId}/credentials`,
    headers: ADMIN_AUTH,
    payload: { kind: 'jasmin', identifier: username, secret: password },
  });
  assert.equal(credential.statusCode, 201, credential.body);
  return { accountId, username, password };
}

/** `GET <path>?…` of the HTTP API (a raw query string, or parameters in order). */
export function jasminGet(path: string, params: Record<string, string> | string): InjectOptions {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return { method: 'GET', url: `${path}?${query}` };
}

/** A REST API request with Basic credentials and a JSON body. */
export function jasminRest(
  method: 'GET' | 'POST',
  path: string,
  user: { username: string; password: string },
  body?: unknown,
): InjectOptions {
  return {
    method,
    url: path,
    headers: {
      authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  };
}

/** Asserts `200 Success "<id>"`; returns the id. */
export function assertSuccess(response: LightMyRequestResponse): string {
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  const match = /^Success "(msg_[0-9A-Z]+)"$/.exec(response.body);
  assert.ok(match, response.body);
  return match[1]!;
}

/** Asserts `Error "<message>"` with `status`. */
export function assertJasminError(
  response: LightMyRequestResponse,
  status: number,
  message: string | RegExp,
): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  if (typeof message === 'string') assert.equal(response.body, `Error "${message}"`);
  else {
    assert.match(response.body, /^Error ".*"$/s);
    assert.match(response.body, message);
  }
}
