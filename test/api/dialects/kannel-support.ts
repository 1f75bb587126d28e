// Helpers shared by the Kannel sendsms tests: a `kannel` credential made through the admin API, and
// sendsms requests as Kannel's clients make them. Not a test file.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../../src/gateway.js';
import { ADMIN_AUTH } from '../../helpers/gateway.js';

/** An account with a `kannel` credential (a sendsms-user). */
export interface KannelUser {
  readonly accountId: string;
  readonly username: string;
  readonly password: string;
}

let counter = 0;

/** Creates a client account and a `kannel` username + password for it. */
export async function provisionKannel(
  gateway: Gateway,
  options: { username?: string; password?: string } = {},
): Promise<KannelUser> {
  counter++;
  const account = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: ADMIN_AUTH,
    payload: { name: 'kannel application', role: 'client' },
  });
  assert.equal(account.statusCode, 201, account.body);
  const { id: accountId } = account.json() as { id: string };
  const username = options.username ?? `kannel${process.pid}x${counter}`;
  const password = options.password ?? `secret-${counter}-password`;
  const credential = await gateway.http.inject({
    method: 'POST',
    url: `/v1/accounts/${accountId}/credentials`,
    headers: ADMIN_AUTH,
    payload: { kind: 'kannel', identifier: username, secret: password },
  });
  assert.equal(credential.statusCode, 201, credential.body);
  return { accountId, username, password };
}

/** `GET /cgi-bin/sendsms?…` with the parameters in order (or a raw query string). */
export function sendsms(params: Record<string, string> | string): InjectOptions {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return { method: 'GET', url: `/cgi-bin/sendsms?${query}` };
}

/** Asserts one of Kannel's plain-text answers, exactly. */
export function assertKannel(response: LightMyRequestResponse, status: number, body: string | RegExp): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  if (typeof body === 'string') assert.equal(response.body, body);
  else assert.match(response.body, body);
}

/** Asserts `202 0: Accepted for delivery`; returns the smsgate message ids (`Smsgate-Message-Id`). */
export function assertAccepted(response: LightMyRequestResponse): string[] {
  assertKannel(response, 202, '0: Accepted for delivery');
  const ids = String(response.headers['smsgate-message-id'] ?? '').split(',');
  for (const id of ids) assert.match(id, /^msg_/);
  return ids;
}
