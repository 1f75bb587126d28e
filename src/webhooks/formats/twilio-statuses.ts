import type { MessageStatus } from '../../core/statuses.js';

/** Twilio's message statuses that smsgate's map to (it has more, for MMS, WhatsApp and inbound). */
export const TWILIO_STATUSES = [
  'queued',
  'scheduled',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'canceled',
] as const;
export type TwilioStatus = (typeof TWILIO_STATUSES)[number];

/**
 * smsgate's status in Twilio's words: its final failures are Twilio's `undelivered` when the
 * carrier had the message (a receipt said it was not delivered) and `failed` when it never left
 * (refused upstream, out of attempts, its validity over before it was sent).
 */
export function twilioStatus(status: string): TwilioStatus {
  switch (status as MessageStatus) {
    case 'queued':
    case 'scheduled':
    case 'sending':
    case 'sent':
    case 'delivered':
    case 'undelivered':
    case 'failed':
    case 'canceled':
      return status as TwilioStatus;
    case 'expired':
    case 'rejected':
      return 'failed';
    default:
      return 'queued';
  }
}

/**
 * The Twilio error code of a message that failed (its `error_code` and the callback's
 * `ErrorCode`): 30003 unreachable handset for one the carrier could not deliver, 30036 for a
 * validity that ran out, 30007 for one the carrier refused, 30008 (unknown) for the rest.
 */
export function twilioErrorCode(status: string): number | null {
  switch (status) {
    case 'undelivered':
      return 30003;
    case 'expired':
      return 30036;
    case 'rejected':
      return 30007;
    case 'failed':
      return 30008;
    default:
      return null;
  }
}

/** A time as Twilio writes it (RFC 2822, `Thu, 30 Jul 2015 20:12:31 +0000`). */
export function rfc2822(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toUTCString().replace('GMT', '+0000');
}
