import type { NumberCheck } from './phone-numbers.js';
import type { Priority } from './statuses.js';

/** A send request in the gateway's own terms; every API dialect maps its body to this. */
export interface SendInput {
  /** Recipients as given (E.164, or national numbers when a default region is configured). */
  readonly to: readonly string[];
  /**
   * The region national numbers are read in, when the caller's credential carries one (seed 003's
   * account password); the gateway's `defaultRegion` when absent.
   */
  readonly region?: string | undefined;
  readonly text: string;
  /**
   * 8-bit user data instead of a text (`text` is then ignored): the UDH, if any, and the data.
   * One segment: at most 140 bytes together.
   */
  readonly binary?: { readonly udh?: Buffer | undefined; readonly data: Buffer } | undefined;
  readonly from?: string | undefined;
  /** Epoch ms; in the past or absent means now. */
  readonly scheduleAt?: number | undefined;
  readonly validitySeconds?: number | undefined;
  readonly priority?: Priority | undefined;
  readonly callbackUrl?: string | undefined;
  readonly clientRef?: string | undefined;
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
  /** The payload format of status callbacks (set by the API dialect; native when absent). */
  readonly callbackFormat?: string | undefined;
  /** A channel or provider the caller asks for; routes may match on it (seed 000's `channel`). */
  readonly channel?: string | undefined;
  /**
   * A connector type the caller asks for (seed 000's `channel` naming a provider family): unless
   * the route the message matches names a `channel`, the first connector of this type that is up
   * takes it; with no connector of the type, routing decides as usual.
   */
  readonly connectorType?: string | undefined;
  /** The sender expects an answer: the message shows `awaitingReply` until one arrives. */
  readonly replyRequired?: boolean | undefined;
  /**
   * Searchable references kept with every message of the send: what a dialect's caller knows its
   * messages by (ServiceStack's CommId, LinkedObjectId…), found again with `GET /v1/messages?ref=`.
   */
  readonly refs?: Readonly<Record<string, string>> | undefined;
  /** Per recipient, in `to` order: references only that recipient's message carries (a contact id). */
  readonly recipientRefs?: readonly (Readonly<Record<string, string>> | undefined)[] | undefined;
  /**
   * How a sender number is checked: `valid` (the default) or `possible`, as operators accept
   * senders (seed 004's campaign senders). Recipients are always checked for validity.
   */
  readonly senderCheck?: NumberCheck | undefined;
  /**
   * Send through this connector instead of asking the route table (a campaign's connector, which
   * only an admin sets); its messages record the route `(pinned)`. An unknown connector is a 400.
   */
  readonly connector?: string | undefined;
  /**
   * The id the message must get (one recipient only): the SMPP server answers every part of a long
   * message with its id before the last part has arrived. Set only by the gateway itself.
   */
  readonly messageId?: string | undefined;
  /**
   * Send this message's final status back over the account's SMPP binds as a delivery receipt
   * (`final`: any final status, `failure`: failures only) instead of to a callback URL. Set only by
   * the SMPP server.
   */
  readonly smppReceipts?: 'final' | 'failure' | undefined;
}

/** Field names as the caller's dialect spells them, so errors name what the caller sent. */
export interface FieldNames {
  to: string;
  text: string;
  from: string;
  scheduleAt: string;
  validitySeconds: string;
  callbackUrl: string;
  clientRef: string;
  metadata: string;
  /**
   * The field of recipient `index` when a send has several (default `${to}[index]`): dialects whose
   * recipients are objects name the number inside them (`SMSModel.To[2].PhoneNumber`).
   */
  recipient?: (index: number) => string;
}

export const NATIVE_FIELD_NAMES: FieldNames = {
  to: 'to',
  text: 'text',
  from: 'from',
  scheduleAt: 'scheduleAt',
  validitySeconds: 'validitySeconds',
  callbackUrl: 'callbackUrl',
  clientRef: 'clientRef',
  metadata: 'metadata',
};
