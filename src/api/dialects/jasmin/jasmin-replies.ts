import { BackpressureError, GatewayError } from '../../../core/errors.js';
import type { DialectReply } from '../../dialect.js';

const TEXT = 'text/plain; charset=utf-8';

/** A refusal Jasmin words itself (`Argument _ is unknown.` …), with its status. */
export class JasminError extends GatewayError {
  constructor(status: number, message: string) {
    super(status, 'jasmin_refusal', message);
  }
}

/** Jasmin's success answer to /send: `Success "<message id>"`. */
export function successBody(messageId: string): string {
  return `Success "${messageId}"`;
}

/** What Jasmin answers when its router finds no route (412). */
export const NO_ROUTE = 'No route found';

/**
 * The words of an error as Jasmin's HTTP API says it (HTTP API docs, "HTTP response"): `403
 * Authentication failure for username:<u>` for any authentication failure, `412 No route found`,
 * `403 Cannot charge submit_sm, check RouterPB log file for details` when the prepaid balance is
 * short, `403 User throughput exceeded` for the account's send rate, `500 Cannot send submit_sm,
 * check SMPPClientManagerPB log file for details` for the unexpected; the gateway's own sentence
 * for the rest, with its status.
 */
export function jasminError(error: GatewayError, username: string): { status: number; message: string } {
  if (error instanceof JasminError) return { status: error.status, message: error.message };
  if (error.status === 401)
    return { status: 403, message: `Authentication failure for username:${username}` };
  if (error.code === 'no_route') return { status: 412, message: NO_ROUTE };
  if (error.code === 'balance_too_low' || error.status === 402) {
    return { status: 403, message: 'Cannot charge submit_sm, check RouterPB log file for details' };
  }
  if (error.status === 429) return { status: 403, message: 'User throughput exceeded' };
  if (error.status === 500) {
    return { status: 500, message: 'Cannot send submit_sm, check SMPPClientManagerPB log file for details' };
  }
  if (error.code === 'unsupported_media_type') {
    return { status: 400, message: 'Send the arguments in the query or as an urlencoded form' };
  }
  return { status: error.status, message: error.message };
}

/** An error of the HTTP API: `Error "<message>"` in plain text. */
export function renderJasminError(error: GatewayError, username: string): DialectReply {
  const { status, message } = jasminError(error, username);
  const headers: Record<string, string> =
    error instanceof BackpressureError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  return { status, contentType: TEXT, body: `Error "${message}"`, headers };
}

/** A plain-text reply of the HTTP API. */
export function jasminText(status: number, body: string, headers: Record<string, string> = {}): DialectReply {
  return { status, contentType: TEXT, body, headers };
}
