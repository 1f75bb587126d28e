import { BackpressureError, type GatewayError, ValidationErrors } from '../../../core/errors.js';
import type { DialectReply } from '../../dialect.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Seed 003's success answer, byte for byte as its documentation prints it. */
export const OK_BODY = '{ "type" : "ok" }';

/** What Fastify says in its own words, said in this API's (the seed names its fields so). */
const MESSAGES: Readonly<Record<string, string>> = {
  unsupported_media_type:
    'Send the parameters as a form: Content-Type application/x-www-form-urlencoded or multipart/form-data',
  payload_too_large: 'The request is larger than this gateway accepts',
};

/** The success answer, with the smsgate message id in a header (the body has no room for it). */
export function okReply(messageId: string): DialectReply {
  return { status: 200, contentType: JSON_TYPE, body: OK_BODY, headers: { 'smsgate-message-id': messageId } };
}

/**
 * An error in seed 003's JSON style: `{"type":"error","message":"…"}` with the error's own status
 * (400 bad or missing parameters, 401 wrong account number or password, 402/403 what the account's
 * limits refuse, 413, 415, 429 and 503 with `Retry-After`, 500 internal). Several bad parameters
 * are one message listing each.
 */
export function renderAccoladesError(error: GatewayError): DialectReply {
  const message =
    error instanceof ValidationErrors
      ? error.errors.map((e) => e.message).join('; ')
      : (MESSAGES[error.code] ?? error.message);
  const headers: Record<string, string> = {};
  if (error instanceof BackpressureError) headers['retry-after'] = String(error.retryAfterSeconds);
  return {
    status: error.status,
    contentType: JSON_TYPE,
    body: JSON.stringify({ type: 'error', message }),
    headers,
  };
}
