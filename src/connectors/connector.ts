import type { SenderKind } from '../core/phone-numbers.js';
import type { MessageEncoding } from '../core/text-encoding.js';

/** What a connector is handed to send: one message, already validated, encoded and counted. */
export interface OutboundMessage {
  readonly id: string;
  /** E.164 destination. */
  readonly to: string;
  readonly from: string | null;
  readonly fromKind: SenderKind | null;
  /** The text; for `binary` messages the user data in hex (the UDH first when `udhi`). */
  readonly text: string;
  readonly encoding: MessageEncoding;
  /** Binary messages: the user data begins with a UDH (esm_class UDHI). */
  readonly udhi?: boolean | undefined;
  readonly segments: number;
  /** 0 (low) … 3 (urgent). */
  readonly priority: number;
  /** 1 on the first try. */
  readonly attempt: number;
  /** Epoch ms after which the upstream should stop trying. */
  readonly expiresAt: number;
}

/** An accepted submission: one upstream id per segment, in segment order. */
export interface SubmitResult {
  readonly upstreamIds: readonly string[];
}

/** Normalised state of one segment as a receipt reports it. */
export const RECEIPT_STATES = [
  'delivered',
  'undelivered',
  'expired',
  'rejected',
  'deleted',
  'accepted',
  'enroute',
  'unknown',
] as const;
export type ReceiptState = (typeof RECEIPT_STATES)[number];

/** A delivery receipt for one upstream id, as a connector received it. */
export interface DeliveryReceipt {
  readonly connector: string;
  readonly upstreamId: string;
  readonly state: ReceiptState;
  /** Raw upstream status and error (e.g. `stat:UNDELIV err:001`). */
  readonly rawCode: string | null;
  readonly detail: string | null;
  readonly at: number;
}

/** An inbound (mobile-originated) message, or one part of a concatenated one. */
export interface InboundMessage {
  readonly connector: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly receivedAt: number;
  /** The provider's id of the message, when it has one: a repeat with the same id is stored once. */
  readonly upstreamId?: string | undefined;
  /** Set on one part of a concatenated message (UDH or SAR); the gateway reassembles the parts. */
  readonly concat?:
    | { readonly reference: number; readonly total: number; readonly seqnum: number }
    | undefined;
}

/**
 * Where a connector hands what it receives. Each promise resolves once the gateway has stored
 * the event durably, so a connector acknowledges upstream (deliver_sm_resp, HTTP 200) only then.
 */
export interface ConnectorSink {
  receipt(receipt: DeliveryReceipt): Promise<void>;
  inbound(message: InboundMessage): Promise<void>;
  /** The connector has room again (a window slot freed, a bind came up). */
  capacityAvailable(): void;
  /** A change of the connector's state, reported once per change (the gateway logs it). */
  stateChanged?(event: ConnectorEvent): void;
}

/** What changed about a connector's link to its upstream. */
export const CONNECTOR_EVENTS = [
  /** An SMPP bind is up. */
  'bind_up',
  /** An SMPP bind attempt failed (refused with a command_status, or no connection). */
  'bind_failed',
  /** An SMPP bind that was up is gone (connection lost, unbind, enquire_link timeout). */
  'bind_lost',
  /** The SMSC said ESME_RTHROTTLED: submissions pause. */
  'throttling_started',
  /** A submission went through again after throttling. */
  'throttling_ended',
  /** An HTTP provider failed to answer repeatedly: it is reported down (skipped by routes). */
  'circuit_opened',
  /** It answered again. */
  'circuit_closed',
] as const;
export type ConnectorEventKind = (typeof CONNECTOR_EVENTS)[number];

export interface ConnectorEvent {
  readonly connector: string;
  readonly kind: ConnectorEventKind;
  /** The cause: a command_status name, a socket error, the last failure. */
  readonly detail?: string | undefined;
  /** Which bind (SMPP), when there are several. */
  readonly bind?: number | undefined;
  /** When the next reconnect or probe is due, in ms from now. */
  readonly retryInMs?: number | undefined;
}

/** A request a provider made to the gateway's callback endpoint (`/callbacks/<connector>`). */
export interface UpstreamCallback {
  readonly method: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as parsed (JSON, or form fields as an object). */
  readonly body: unknown;
}

/** What the callback endpoint answers the provider. */
export interface CallbackReply {
  readonly status: number;
  readonly body?: unknown;
}

/**
 * `remote`: with several nodes on one database, other nodes hold all of this connector's binds
 * (bind-slots.ts); its messages are theirs to send, and this node hands them over.
 */
export const CONNECTOR_STATES = ['starting', 'up', 'degraded', 'down', 'remote', 'stopped'] as const;
export type ConnectorState = (typeof CONNECTOR_STATES)[number];

export interface ConnectorStatus {
  readonly name: string;
  readonly type: string;
  readonly state: ConnectorState;
  readonly inFlight: number;
  readonly submitted: number;
  readonly failed: number;
  /** Per-bind or per-endpoint detail, connector-specific. */
  readonly detail?: Record<string, unknown>;
}

/** A message the gateway recorded as `sent` through this connector, still waiting for its receipt. */
export interface AwaitingReceipt {
  readonly messageId: string;
  readonly to: string;
  readonly upstreamIds: readonly string[];
}

/**
 * The one contract every upstream implements (sim, SMPP, Clickatell, Grandcom, generic HTTP).
 * `submit` throws a `ConnectorError` whose `retryable` decides between a retry and a final status.
 */
export interface Connector {
  readonly name: string;
  readonly type: string;
  start(): Promise<void>;
  /** Stops taking submissions and drains what is in flight. */
  stop(): Promise<void>;
  /** How many more submissions may be started now (window minus in flight; 0 when down). */
  available(): number;
  submit(message: OutboundMessage): Promise<SubmitResult>;
  status(): ConnectorStatus;
  /**
   * Called once after a restart with the messages still waiting for receipts, for connectors that
   * must re-arm something to get them (the simulator re-schedules its receipts).
   */
  resumeAwaitingReceipts?(messages: readonly AwaitingReceipt[]): void;
  /**
   * Makes the connector receive an inbound message as if the upstream had sent it (the simulator
   * only: demos and tests of replies and opt-outs). Resolves once the gateway has stored it.
   */
  simulateInbound?(message: { from: string; to: string; text: string }): Promise<void>;
  /**
   * Handles a provider's status or inbound callback (HTTP providers). Resolves once what it carried
   * is stored, so a 2xx tells the provider it may forget it.
   */
  handleCallback?(callback: UpstreamCallback): Promise<CallbackReply>;
}
