import { AuthenticationError, BackpressureError, type GatewayError } from '../../../core/errors.js';
import type { DialectReply } from '../../dialect.js';
import { InteractAuthError, UNAUTHENTICATED_REASONS } from './interact-auth.js';
import { INTERACT_TEXT, restInvalidParameter } from './interact-texts.js';

const TEXT = 'text/plain; charset=utf-8';

/** A plain-text answer, as the REST form answers everything but its 401. */
export function restText(status: number, body: string, headers?: Record<string, string>): DialectReply {
  return { status, contentType: TEXT, body, ...(headers ? { headers } : {}) };
}

/** A JSON answer (generateToken, the report). */
export function restJson(status: number, value: unknown): DialectReply {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/**
 * Any error of the REST form in its table's words: 400 `missing or invalid parameter <name>`
 * (`body` when the body itself cannot be read), 401 the JSON body with code `0x7000000` and an
 * `Unauthenticated-Reason` header, 403 `Token expired`, 404 `Campaign <id> was not found`, 500 the
 * telephony-provider message or `exception`. Answers the seed has no row for (402, 403 for a
 * sender or quota, 413, 415, 429, 503) keep their status and say what happened in a line of text.
 */
export function renderRestError(error: GatewayError, moreInfoUrl: string): DialectReply {
  if (error instanceof AuthenticationError) {
    const reason =
      error instanceof InteractAuthError ? error.reason : UNAUTHENTICATED_REASONS.wrongCredentials;
    return {
      ...restJson(401, {
        code: INTERACT_TEXT.unauthorizedCode,
        message: INTERACT_TEXT.unauthorizedMessage,
        moreInfoUrl,
      }),
      headers: { 'unauthenticated-reason': reason },
    };
  }
  const headers: Record<string, string> =
    error instanceof BackpressureError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  if (error.status === 400) return restText(400, restInvalidParameter(error.field ?? 'body'), headers);
  if (error.code === 'token_expired') return restText(403, INTERACT_TEXT.tokenExpired);
  if (error.status === 500) {
    return restText(
      500,
      error.code === 'no_upstream' ? INTERACT_TEXT.noTelephonyProvider : INTERACT_TEXT.internalError,
    );
  }
  // 404s say what was not found ("Campaign <id> was not found", "No route GET /interact/…").
  return restText(error.status, error.message, headers);
}
