// Helpers shared by the seed 003 (`/<accountNumber>/sms/send`) tests: provisioning through the
// admin API as an operator would, form and multipart requests as applications send them, and the
// checks of the API's two answer shapes. Not a test file.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../../src/gateway.js';
import { ADMIN_AUTH } from '../../helpers/gateway.js';

export const FORM = 'application/x-www-form-urlencoded';

/** The seed's success answer, byte for byte. */
export const OK_BODY = '{ "type" : "ok" }';

/** An account with an `account_password` credential, made through the admin API. */
export interface AccoladesAccount {
  readonly accountId: string;
  readonly apiKey: string;
  readonly accountNumber: string;
  readonly password: string;
  readonly credentialId: string;
}

let counter = 0;

/** A fresh account number no other test uses (12 digits, as generated ones are). */
export function freshAccountNumber(): string {
  counter++;
  return `4${String(process.pid % 100_000).padStart(5, '0')}${String(counter).padStart(6, '0')}`;
}

/** Creates a client account and its account password (with `region` when given). */
export async function provisionAccolades(
  gateway: Gateway,
  options: { region?: string; accountNumber?: string; password?: string; tenantId?: string } = {},
): Promise<AccoladesAccount> {
  const account = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: ADMIN_AUTH,
    payload: {
      name: 'accolades application',
      role: 'client',
      ...(options.tenantId ? { tenantId: options.tenantId } : {}),
    },
  });
  assert.equal(account.statusCode, 201, account.body);
  const { id: accountId, apiKey } = account.json() as { id: string; apiKey: { key: string } };
  const accountNumber = options.accountNumber ?? freshAccountNumber();
  const password = options.password ?? `pw ${accountNumber} secret`;
  const credential = await gateway.http.inject({
    method: 'POST',
    url: `/v1/accounts/${accountId}/credentials`,
    headers: ADMIN_AUTH,
    payload: {
      kind: 'account_password',
      identifier: accountNumber,
      secret: password,
      ...(options.region ? { region: options.region } : {}),
    },
  });
  assert.equal(credential.statusCode, 201, credential.body);
  return {
    accountId,
    apiKey: apiKey.key,
    accountNumber,
    password,
    credentialId: (credential.json() as { id: string }).id,
  };
}

/** A form-urlencoded `POST /<accountNumber>/sms/send` (fields in order, or a raw body). */
export function sendForm(
  accountNumber: string,
  fields: Record<string, string> | string,
  contentType = FORM,
): InjectOptions {
  return {
    method: 'POST',
    url: `/${encodeURIComponent(accountNumber)}/sms/send`,
    headers: { 'content-type': contentType },
    payload: typeof fields === 'string' ? fields : new URLSearchParams(fields).toString(),
  };
}

/** The same request as multipart/form-data (what a browser form with enctype multipart sends). */
export function sendMultipart(
  accountNumber: string,
  fields: Record<string, string>,
  boundary = '----smsgate-accolades-boundary',
): InjectOptions {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    method: 'POST',
    url: `/${encodeURIComponent(accountNumber)}/sms/send`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'),
  };
}

/** Asserts the seed's success answer; returns the smsgate message id from `Smsgate-Message-Id`. */
export function assertOk(response: LightMyRequestResponse): string {
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.equal(response.body, OK_BODY);
  const id = response.headers['smsgate-message-id'];
  assert.equal(typeof id, 'string');
  assert.match(String(id), /^msg_/);
  return String(id);
}

/** Asserts `{"type":"error","message":…}` (exactly these two keys) with `status`; returns the message. */
export function assertError(response: LightMyRequestResponse, status: number, message?: RegExp): string {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['type', 'message']);
  assert.equal(body.type, 'error');
  assert.equal(typeof body.message, 'string');
  assert.ok((body.message as string).length > 0);
  if (message) assert.match(body.message as string, message);
  return body.message as string;
}
