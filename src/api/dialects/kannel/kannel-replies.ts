import { BackpressureError, GatewayError } from '../../../core/errors.js';
import type { DialectReply } from '../../dialect.js';

const TEXT = 'text/plain; charset=utf-8';

/** Kannel's answers to an accepted request, word for word (user guide, "SMS Push reply codes"). */
export const ACCEPTED = '0: Accepted for delivery';
export const QUEUED = '3: Queued for later delivery';
export const AUTHORIZATION_FAILED = 'Authorization failed for sendsms';
export const NOT_ROUTABLE = 'Not routable. Do not try again.';
export const TEMPORAL_FAILURE = 'Temporal failure, try again later.';

/** A refusal Kannel itself words (`Coding field misformed, rejected` …), with its status. */
export class KannelError extends GatewayError {
  constructor(status: number, message: string) {
    super(status, 'kannel_refusal', message);
  }
}

/** The Kannel name of a gateway field a refusal is about (`From field misformed, rejected`). */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  from: 'From',
  text: 'Text',
  'dlr-url': 'DLR-URL',
  validity: 'Validity',
  deferred: 'Deferred',
  smsc: 'SMSC',
};

/** A reply in Kannel's shape: a status and one line of plain text. */
export function kannelReply(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): DialectReply {
  return { status, contentType: TEXT, body, headers };
}

/**
 * Any error as Kannel's smsbox answers: its own words where Kannel has them — `403 Authorization
 * failed for sendsms` for every authentication failure (Kannel has no 401), `403 Not routable. Do
 * not try again.` when no route takes the number, `503 Temporal failure, try again later.` when
 * the gateway cannot take it now (a full queue, the account's send rate: Kannel has no 429),
 * `<Field> field misformed, rejected` for a bad field, with the gateway's reason after it —
 * otherwise the gateway's own sentence, with its status.
 */
export function renderKannelError(error: GatewayError): DialectReply {
  if (error instanceof KannelError) return kannelReply(error.status, error.message);
  if (error.status === 401) return kannelReply(403, AUTHORIZATION_FAILED);
  if (error.code === 'no_route') return kannelReply(403, NOT_ROUTABLE);
  if (error.status === 503 || error.status === 429) {
    const retry: Record<string, string> =
      error instanceof BackpressureError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    return kannelReply(503, TEMPORAL_FAILURE, retry);
  }
  if (error.code === 'unsupported_media_type') return kannelReply(400, 'Invalid content-type');
  if (error.status === 404) return kannelReply(404, 'Unknown request.');
  if (error.status === 500) return kannelReply(500, 'Sending failed.');
  const label = error.field === undefined ? undefined : FIELD_LABELS[error.field];
  if (error.status === 400 && label)
    return kannelReply(400, `${label} field misformed, rejected (${error.message})`);
  return kannelReply(error.status, error.message);
}
