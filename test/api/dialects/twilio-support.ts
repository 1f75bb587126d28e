// Helpers shared by the Twilio Messages API tests: provisioning a `twilio` credential through the
// admin API as an operator would, form requests as Twilio's libraries send them, and the check
// of Twilio's error JSON. Not a test file.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../../src/gateway.js';
import { ADMIN_AUTH } from '../../helpers/gateway.js';

/** An account with a `twilio` credential: its account SID and auth token. */
export interface TwilioAccount {
  readonly accountId: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly credentialId: string;
}

/** Creates a client account and a `twilio` credential (generated SID and token unless given). */
export async function provisionTwilio(
  gateway: Gateway,
  options: { accountSid?: string; authToken?: string } = {},
): Promise<TwilioAccount> {
  const account = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: ADMIN_AUTH,
    payload: { name: 'twilio application', role: 'client' },
  });
  assert.equal(account.statusCode, 201, account.body);
  const { id: accountId } = account.json() as { id: string };
  const credential = await gateway.http.inject({
    method: 'POST',
    url: `/v1/accounts/${accountId}/credentials`,
    headers: ADMIN_AUTH,
    payload: {
      kind: 'twilio',
      ...(options.accountSid ? { identifier: options.accountSid } : {}),
      ...(options.authToken ? { secret: options.authToken } : {}),
    },
  });
  assert.equal(credential.statusCode, 201, credential.body);
  const created = credential.json() as { id: string; identifier: string; secret: string };
  return { accountId, accountSid: created.identifier, authToken: created.secret, credentialId: created.id };
}

/** A fresh account SID, as Twilio issues them. */
export function freshAccountSid(): string {
  return `AC${randomBytes(16).toString('hex')}`;
}

/** The Basic header of an account SID and auth token. */
export function twilioAuth(accountSid: string, authToken: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` };
}

/** A `POST /2010-04-01/Accounts/{sid}/Messages.json` with form fields (or a raw body). */
export function createMessage(
  caller: { accountSid: string; authToken: string },
  fields: Record<string, string> | string,
  options: { pathSid?: string; headers?: Record<string, string> } = {},
): InjectOptions {
  return {
    method: 'POST',
    url: `/2010-04-01/Accounts/${options.pathSid ?? caller.accountSid}/Messages.json`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...twilioAuth(caller.accountSid, caller.authToken),
      ...options.headers,
    },
    payload: typeof fields === 'string' ? fields : new URLSearchParams(fields).toString(),
  };
}

/** Asserts Twilio's error JSON (`code`, `message`, `more_info`, `status`, nothing else). */
export function assertTwilioError(
  response: LightMyRequestResponse,
  status: number,
  code: number,
  message?: RegExp,
): string {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['code', 'message', 'more_info', 'status']);
  assert.equal(body.code, code, response.body);
  assert.equal(body.status, status);
  assert.equal(body.more_info, `https://www.twilio.com/docs/errors/${code}`);
  if (message) assert.match(body.message as string, message);
  return body.message as string;
}
