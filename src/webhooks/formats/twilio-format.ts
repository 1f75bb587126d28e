import { toMessageSid } from '../../core/message-sid.js';
import type { FormatContext, PayloadFormat, WebhookPayload } from './payload-format.js';
import { twilioSignature } from './twilio-signature.js';
import { twilioErrorCode, twilioStatus } from './twilio-statuses.js';

const API_VERSION = '2010-04-01';

/** An inbound message id (`in_` and a ULID) as a Twilio SID, as message ids are (core/message-sid). */
function inboundSid(inboundId: string): string {
  return toMessageSid(inboundId.replace(/^in_/, 'msg_'));
}

/** The form, signed as Twilio signs its requests when the credential it names still exists. */
function signedForm(params: Record<string, string>, context: FormatContext): WebhookPayload {
  const secret = context.signingCredential?.secret;
  return {
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams(params).toString(),
    ...(secret ? { headers: { 'x-twilio-signature': twilioSignature(secret, context.url, params) } } : {}),
  };
}

/**
 * Twilio's callbacks, as form posts signed with `X-Twilio-Signature` under the auth token of the
 * `twilio` credential the format names (`twilio:<credential id>`):
 * - a status callback per status change (`MessageSid`, `MessageStatus`, `AccountSid`, `From`, `To`,
 *   `ApiVersion`, the legacy `SmsSid`/`SmsStatus`, and `ErrorCode` for failed and undelivered);
 * - an inbound message in Twilio's incoming-message form (`MessageSid`, `From`, `To`, `Body`,
 *   `NumSegments` …, and `OptOutType` STOP or START when it was an opt-out keyword).
 */
export const twilioFormat: PayloadFormat = ({ event, message, inbound }, context) => {
  const accountSid = context.signingCredential?.identifier ?? '';
  if (event.type === 'message.inbound') {
    if (!inbound) return null;
    const sid = inboundSid(inbound.id);
    return signedForm(
      {
        SmsMessageSid: sid,
        NumMedia: '0',
        SmsSid: sid,
        SmsStatus: 'received',
        Body: inbound.text,
        To: inbound.to,
        NumSegments: '1',
        MessageSid: sid,
        AccountSid: accountSid,
        From: inbound.from,
        ApiVersion: API_VERSION,
        ...(inbound.keyword ? { OptOutType: inbound.keyword.toUpperCase() } : {}),
      },
      context,
    );
  }
  if (!message || event.status === null) return null;
  const status = twilioStatus(event.status);
  const errorCode = twilioErrorCode(event.status);
  const sid = toMessageSid(message.id);
  return signedForm(
    {
      SmsSid: sid,
      SmsStatus: status,
      MessageStatus: status,
      To: message.to,
      MessageSid: sid,
      AccountSid: accountSid,
      From: message.from ?? '',
      ApiVersion: API_VERSION,
      ...(errorCode === null ? {} : { ErrorCode: String(errorCode) }),
    },
    context,
  );
};
