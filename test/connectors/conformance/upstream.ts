// What the conformance suite needs from each upstream, and the table of what each connector is
// expected to do. One factory per connector lives next to this file. Not a test file.
import type { ConfigInput } from '../../../src/config/schema.js';
import type { Gateway } from '../../../src/gateway.js';

/** A connector's configuration as the config file takes it. */
export type ConnectorInput = NonNullable<ConfigInput['connectors']>[number];

/** A text as some upstream took it, for one destination. */
export interface UpstreamCopy {
  /** The id the upstream answered with (the first segment's, for SMPP). */
  readonly upstreamId: string;
  /** The whole text (SMPP segments joined in order). */
  readonly text: string;
}

/**
 * An upstream running for one gateway: the fake provider, the SMSC simulator, or (for the built-in
 * simulator, which has no wire) a tap on the connector's own submissions.
 */
export interface Upstream {
  /** The gateway connector's configuration (its name is `expect.name`). */
  readonly connector: ConnectorInput;
  /** Called once the gateway runs: wait for binds, install taps. */
  attach(gateway: Gateway): Promise<void>;
  /**
   * Submissions the upstream saw for a destination, refused and failed ones included: HTTP messages
   * in send requests, SMPP submit_sm PDUs (one per segment), sim submit() calls.
   */
  submissionsFor(to: string): number;
  /** What the upstream accepted for a destination, one entry per accepted copy. */
  acceptedFor(to: string): UpstreamCopy[];
  /** Send requests (HTTP), submit_sm PDUs (SMPP) or submit() calls (sim) so far, for every destination. */
  requestCount(): number;
  /** Makes the next `n` sends fail with the upstream's "server error" (see `expect.serverError`). */
  failNext(n: number): void;
  /** The upstream becomes unreachable (refuses connections / stops), then comes back. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** An expected final status and raw code. */
export interface Outcome {
  readonly status: string;
  readonly lastCode: string | RegExp;
}

/**
 * The table: what each connector is expected to do in each case. Where an upstream has no
 * equivalent of a case, the entry says what stands in for it and why.
 */
export interface Expectations {
  /** Connector name in the gateway (and in `/callbacks/<name>`). */
  readonly name: string;
  /** (a) a plain message. */
  readonly delivered: Outcome;
  /** (b) 400 GSM characters (3 segments): upstream submissions and stored parts (upstream ids). */
  readonly longText: { readonly submissions: number; readonly parts: number; readonly how: string };
  /** (d) 0000. */
  readonly undelivered: Outcome;
  /** 0002 (Twilio-style reports expiry as `failed`, which its example maps to undelivered). */
  readonly expired: Outcome;
  /** (e) 0001: refused at submit, permanent. */
  readonly rejected: { readonly lastCode: string | RegExp };
  /** (f) 0003: the throttling error's raw code (kept in history) and how it is produced. */
  readonly throttled: { readonly code: string | RegExp; readonly how: string };
  /** (g) the equivalent of a 5xx answer: its raw code in history, and what it is. */
  readonly serverError: { readonly code: string | RegExp; readonly how: string };
  /**
   * (g) unreachable: whether the gateway makes (failing) attempts while the upstream is away, and the
   * raw code of such a failure; HTTP connectors try and fail, SMPP and sim hold the message until
   * the connector is up again.
   */
  readonly unreachable:
    | { readonly failedAttempts: true; readonly code: string | RegExp; readonly how: string }
    | { readonly failedAttempts: false; readonly how: string };
  /** (h) 20 messages at once: request count bound. */
  readonly batching: { readonly kind: 'batched' | 'one-per-message'; readonly how: string };
  /** (c) how a UCS-2 text reaches the upstream. */
  readonly ucs2: string;
}

export interface UpstreamFactory {
  /** Shown in test names. */
  readonly label: string;
  readonly expect: Expectations;
  /** Starts the upstream; `gatewayUrl` is where the gateway will listen (for callbacks). */
  start(gatewayUrl: string): Promise<Upstream>;
}

/** Digits of an E.164 number, for upstreams that write it without `+`. */
export const digitsOf = (number: string): string => number.replace(/^\+/, '');
