import { BackpressureError, GatewayError } from '../../../core/errors.js';
import type { DialectReply } from '../../dialect.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * An error Twilio itself would raise for a request, with its Twilio code: the refusals our own
 * checks of Twilio's parameters make (a missing `To`, a bad `ValidityPeriod` …).
 */
export class TwilioError extends GatewayError {
  constructor(
    readonly twilioCode: number,
    message: string,
    field?: string,
    status = 400,
  ) {
    super(status, `twilio_${twilioCode}`, message, field === undefined ? undefined : { field });
  }
}

/** The Twilio code of a gateway refusal of one field, by our code first, then by the field. */
function fieldCode(error: GatewayError): number | undefined {
  if (error.code === 'recipient_opted_out') return 21610;
  switch (error.field) {
    case 'To':
      return 21211;
    case 'From':
      return error.code === 'sender_not_allowed' ? 21606 : 21212;
    case 'Body':
      return error.message.includes('characters; at most') ? 21617 : 21602;
    case 'StatusCallback':
      return 21609;
    case 'ValidityPeriod':
      return 21624;
    case 'SendAt':
      return 35114;
    default:
      return undefined;
  }
}

/** Twilio's code for errors not about one field: its own where it has one, else the HTTP status. */
const STATUS_CODES: Readonly<Record<number, number>> = {
  401: 20003,
  403: 20403,
  404: 20404,
  429: 20429,
  500: 20500,
  503: 20503,
};

/** The words Twilio uses where ours would name Fastify's terms. */
const MESSAGES: Readonly<Record<string, string>> = {
  unsupported_media_type: 'Send the parameters as a form: Content-Type application/x-www-form-urlencoded',
  payload_too_large: 'The request is larger than this gateway accepts',
};

/**
 * Any error as Twilio's REST API writes one — `{"code", "message", "more_info", "status"}` — with
 * the Twilio codes applications check for (21211 invalid To, 21212/21606 From, 21602 Body,
 * 21610 opted out, 20003 authentication, 20404 not found, 20429 too many requests …). Refusals of
 * a field Twilio answers with 400 are 400 here too, whatever our own status (a sender another
 * account owns is our 403, Twilio's 400 21606). A 401 carries `WWW-Authenticate: Basic`.
 */
export function renderTwilioError(error: GatewayError): DialectReply {
  const twilioCode = error instanceof TwilioError ? error.twilioCode : fieldCode(error);
  const status = twilioCode !== undefined && error.status === 403 ? 400 : error.status;
  const code = twilioCode ?? STATUS_CODES[error.status] ?? error.status;
  const message = error.status === 401 ? 'Authenticate' : (MESSAGES[error.code] ?? error.message);
  const headers: Record<string, string> = {};
  if (error.status === 401) headers['www-authenticate'] = 'Basic realm="Twilio API"';
  if (error instanceof BackpressureError) headers['retry-after'] = String(error.retryAfterSeconds);
  return {
    status,
    contentType: JSON_TYPE,
    body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
    headers,
  };
}
