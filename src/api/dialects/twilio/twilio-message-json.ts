import { toMessageSid } from '../../../core/message-sid.js';
import type { MessageRow } from '../../../store/queries/messages-read.js';
import { rfc2822, twilioErrorCode, twilioStatus } from '../../../webhooks/formats/twilio-statuses.js';

export const API_VERSION = '2010-04-01';

/** The path of an account's Messages list. */
export function messagesPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages`;
}

const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  30003: 'Unreachable destination handset',
  30007: 'Message filtered',
  30008: 'Unknown error',
  30036: 'Validity Period Expired',
};

/**
 * A message as Twilio's Message resource: `sid` (SM + 32 hex, the message id's other spelling),
 * Twilio's status, `num_segments`, times in RFC 2822, `uri` — every field the twilio libraries
 * read, with the values smsgate has (no prices: `price` null).
 */
export function twilioMessage(row: MessageRow, accountSid: string): Record<string, unknown> {
  const sid = toMessageSid(row.id);
  const uri = `${messagesPath(accountSid)}/${sid}`;
  const errorCode = twilioErrorCode(row.status);
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body: row.body,
    date_created: rfc2822(row.created_at),
    date_sent: rfc2822(row.sent_at),
    date_updated: rfc2822(row.updated_at),
    direction: 'outbound-api',
    error_code: errorCode,
    error_message: errorCode === null ? null : (ERROR_MESSAGES[errorCode] ?? null),
    from: row.sender,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(row.segments),
    price: null,
    price_unit: 'USD',
    sid,
    status: twilioStatus(row.status),
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: row.to_number,
    uri: `${uri}.json`,
  };
}
