import type { EventForDelivery } from '../../store/queries/events.js';

/** A request ready to send. */
export interface WebhookPayload {
  readonly contentType: string;
  readonly body: string;
  /**
   * `GET` sends `body` (a form) as the URL's query instead (Kannel's dlr-url, Jasmin's
   * `dlr-method=GET`); POST when absent.
   */
  readonly method?: 'GET' | 'POST';
  /**
   * The URL to call instead of the event's, for formats that fill in the caller's URL (Kannel's
   * `%` escapes). It must keep the event URL's origin: the destination (its back-off, its circuit)
   * is that origin's.
   */
  readonly url?: string;
  /** Headers of the format's own (Twilio's `X-Twilio-Signature`), sent besides smsgate's. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Whether a 2xx answer acknowledges the event, for receivers that must say so in the body
   * (Jasmin's `ACK/Jasmin`); any 2xx does when absent. `body` is the start of the answer.
   */
  readonly acknowledged?: (body: string) => boolean;
}

/** What a format knows besides the event: its argument and the secret it signs with. */
export interface FormatContext {
  /** The event's URL. */
  readonly url: string;
  /** What follows the format's name in the event's format (`kannel:31` → `31`); '' when nothing. */
  readonly argument: string;
  /**
   * The credential the argument names (`twilio:<credential id>`): its identifier (the account SID)
   * and the secret it signs with; null when the argument names none, or one that is gone.
   */
  readonly signingCredential: { readonly identifier: string; readonly secret: string } | null;
}

/**
 * Turns a stored event into the request one kind of receiver expects. Returns null when this format
 * has nothing to say about the event (the event is then marked `skipped`, not sent).
 */
export type PayloadFormat = (record: EventForDelivery, context: FormatContext) => WebhookPayload | null;

/** A stored format (`name` or `name:argument`) split into its two parts. */
export function splitFormat(format: string): { name: string; argument: string } {
  const colon = format.indexOf(':');
  return colon < 0
    ? { name: format, argument: '' }
    : { name: format.slice(0, colon), argument: format.slice(colon + 1) };
}
