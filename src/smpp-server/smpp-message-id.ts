const PREFIX = 'msg_';

/**
 * The id SMPP clients know a message by: smsgate's message id without its `msg_` prefix (the 26
 * upper-case letters and digits of its ULID). Receipt text is usually read in the GSM default
 * alphabet, where `_` is not `_`; letters and digits survive every alphabet.
 */
export function smppMessageId(messageId: string): string {
  return messageId.startsWith(PREFIX) ? messageId.slice(PREFIX.length) : messageId;
}

/** smsgate's message id of an id an SMPP client was given. */
export function gatewayMessageId(smppId: string): string {
  return smppId.startsWith(PREFIX) ? smppId : `${PREFIX}${smppId}`;
}
