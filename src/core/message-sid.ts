/**
 * Message SIDs (`SM` and 32 lower-case hex digits), what seed 004's campaign API answers with, are
 * another spelling of smsgate message ids: a message id is `msg_` and a ULID, 128 bits in 26
 * Crockford base-32 digits, and the SID is the same 128 bits in hex. The mapping is exact both ways,
 * so a SID needs no storage and `GET /v1/messages/SM…` finds the message.
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MESSAGE_ID = /^msg_([0-7][0-9A-HJKMNP-TV-Z]{25})$/;
const MESSAGE_SID = /^SM([0-9a-f]{32})$/;

/** The SID of a message id (`msg_01…` → `SM…`); throws for a string that is not a message id. */
export function toMessageSid(messageId: string): string {
  const ulid = MESSAGE_ID.exec(messageId)?.[1];
  if (ulid === undefined) throw new Error(`not a message id: ${messageId}`);
  let value = 0n;
  for (const digit of ulid) value = value * 32n + BigInt(CROCKFORD.indexOf(digit));
  return `SM${value.toString(16).padStart(32, '0')}`;
}

/** The message id a SID stands for, or undefined when the string is not a SID. */
export function fromMessageSid(sid: string): string | undefined {
  const hex = MESSAGE_SID.exec(sid)?.[1];
  if (hex === undefined) return undefined;
  let value = BigInt(`0x${hex}`);
  let ulid = '';
  for (let i = 0; i < 26; i++) {
    ulid = CROCKFORD[Number(value % 32n)]! + ulid;
    value /= 32n;
  }
  return `msg_${ulid}`;
}

/** A message id as given, or the message id of a SID (what `GET /v1/messages/:id` accepts). */
export function messageIdOf(idOrSid: string): string {
  return fromMessageSid(idOrSid) ?? idOrSid;
}
