import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Logger } from '../../src/core/logger.js';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { freePort } from '../smpp/smpp-test-kit.js';

/** A PDU of the `smpp` npm package (farhadi/node-smpp), as far as these tests read it. */
export interface ForeignPdu {
  command: string;
  command_status: number;
  sequence_number: number;
  response(options?: Record<string, unknown>): ForeignPdu;
  [field: string]: unknown;
}

/** A session of the `smpp` npm package. */
export interface ForeignSession {
  send(pdu: ForeignPdu, onResponse?: (pdu: ForeignPdu) => void): boolean;
  on(event: string, listener: (pdu: ForeignPdu) => void): void;
  on(event: 'error' | 'close', listener: (error?: Error) => void): void;
  close(callback?: () => void): void;
  destroy(callback?: () => void): void;
  [command: string]: unknown;
}

const require = createRequire(import.meta.url);
/** The `smpp` npm package: an SMPP implementation we did not write. */
export const smpp = require('smpp') as {
  connect(options: { host: string; port: number }): ForeignSession;
};

/** Calls one of a foreign session's shortcut methods (`submit_sm`, `bind_transceiver`…) and resolves with the response. */
export function call(
  session: ForeignSession,
  command: string,
  options: Record<string, unknown> = {},
): Promise<ForeignPdu> {
  return new Promise((resolve) => {
    (session[command] as (options: Record<string, unknown>, cb: (pdu: ForeignPdu) => void) => void).call(
      session,
      options,
      resolve,
    );
  });
}

/** Connects a foreign client; errors are collected instead of thrown. */
export function connectForeign(port: number): { session: ForeignSession; errors: Error[] } {
  const session = smpp.connect({ host: '127.0.0.1', port });
  const errors: Error[] = [];
  session.on('error', (error?: Error) => {
    if (error) errors.push(error);
  });
  return { session, errors };
}

/** A test gateway with its SMPP server listening on a free port. */
export async function startSmppGateway(
  store: Store,
  config: ConfigInput = {},
  logger?: Logger,
): Promise<Gateway> {
  const smppPort = await freePort();
  return startTestGateway(store, {
    config: { smppPort, ...config },
    listen: true,
    ...(logger ? { logger } : {}),
  });
}

/** The port the gateway's SMPP server listens on. */
export function smppPortOf(gateway: Gateway): number {
  const port = gateway.smpp.ports.plain;
  assert.ok(port, 'the SMPP server is not listening');
  return port;
}

/** Creates a client account with an `smpp` credential; returns its id and API key. */
export async function createSmppAccount(
  gateway: Gateway,
  systemId: string,
  password: string,
): Promise<{ accountId: string; apiKey: string }> {
  const created = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: ADMIN_AUTH,
    payload: { name: `smpp ${systemId}`, role: 'client' },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { id, apiKey } = created.json() as { id: string; apiKey: { key: string } };
  const credential = await gateway.http.inject({
    method: 'POST',
    url: `/v1/accounts/${id}/credentials`,
    headers: ADMIN_AUTH,
    payload: { kind: 'smpp', identifier: systemId, secret: password },
  });
  assert.equal(credential.statusCode, 201, credential.body);
  return { accountId: id, apiKey: apiKey.key };
}
