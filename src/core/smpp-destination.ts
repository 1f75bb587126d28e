/**
 * Events an SMPP client receives as deliver_sm instead of an HTTP request: their `url` is
 * `smpp:<account id>` and their format one of the SMPP formats. They travel through the same outbox
 * as webhooks (durable, ordered per message, retried while no receiving bind is up, dead-lettered
 * after `webhooks.retryForSeconds`); the SMPP server's poster delivers them on a bind.
 */
export const SMPP_URL_SCHEME = 'smpp:';

/** Receipts of every final status, or only of failures (registered_delivery 1 or 2). */
export const SMPP_FORMATS = { final: 'smpp', failure: 'smpp-failures' } as const;

/** Where an account's SMPP-bound events are addressed. */
export function smppReceiptUrl(accountId: string): string {
  return `${SMPP_URL_SCHEME}${accountId}`;
}

/** The payload format of receipts the client asked for with registered_delivery. */
export function smppReceiptFormat(request: keyof typeof SMPP_FORMATS): string {
  return SMPP_FORMATS[request];
}

/** Whether an event goes to an SMPP bind rather than an HTTP receiver. */
export function isSmppUrl(url: string): boolean {
  return url.startsWith(SMPP_URL_SCHEME);
}
