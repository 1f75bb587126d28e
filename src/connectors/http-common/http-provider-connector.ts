import { type BackoffPolicy, Circuit } from '../../core/backoff.js';
import { ConnectorError } from '../../core/errors.js';
import type {
  CallbackReply,
  Connector,
  ConnectorSink,
  ConnectorState,
  ConnectorStatus,
  DeliveryReceipt,
  InboundMessage,
  OutboundMessage,
  SubmitResult,
  UpstreamCallback,
} from '../connector.js';
import { type CallbackAuthSettings, callbackAuthentic } from './callback-auth.js';
import { type BatchOutcome, SubmitBatcher } from './submit-batcher.js';

/** Settings every HTTP provider connector has. */
export interface HttpProviderSettings extends CallbackAuthSettings {
  readonly name: string;
  /** Submissions in flight at most. */
  readonly window: number;
  /** Messages per request (1 for providers that take one at a time). */
  readonly batchSize: number;
  /** How long a batch waits to fill. */
  readonly batchWaitMs: number;
  /** The public URL providers call back (what a signing provider signs). */
  readonly callbackUrl?: string | undefined;
}

/** What a callback carried, in the gateway's terms. */
export interface ParsedCallback {
  readonly receipts: readonly DeliveryReceipt[];
  readonly inbound: readonly InboundMessage[];
}

/** Consecutive connection failures after which the connector reports itself down. */
const DOWN_AFTER_FAILURES = 3;
/** How long it stays down the first time (1 s); each failure on probation doubles it, up to a minute. */
export const PROVIDER_DOWN_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 60_000, jitter: 'none' };

/**
 * The common part of connectors that speak a provider's HTTP API (Clickatell, Grandcom, generic
 * HTTP): window, batching, up/down from connection failures (down for a second after three in a
 * row, then on probation, longer each time it fails again), counters, and the callback endpoint
 * with its optional token. A subclass says how to send a batch and how to read a callback.
 */
export abstract class HttpProviderConnector implements Connector {
  abstract readonly type: string;
  readonly name: string;
  private state: ConnectorState = 'stopped';
  private inFlight = 0;
  private submitted = 0;
  private failed = 0;
  private connectionFailures = 0;
  /** Down after repeated connection failures; each trip since the last answer doubles the wait. */
  private readonly circuit = new Circuit(PROVIDER_DOWN_BACKOFF, DOWN_AFTER_FAILURES);
  private upAgain: NodeJS.Timeout | undefined;
  private readonly batcher: SubmitBatcher;

  protected constructor(
    private readonly settings: HttpProviderSettings,
    protected readonly sink: ConnectorSink,
  ) {
    this.name = settings.name;
    this.batcher = new SubmitBatcher(
      (messages) => this.sendBatch(messages),
      settings.batchSize,
      settings.batchWaitMs,
    );
  }

  /** Sends one batch; returns one outcome per message, in order. Throws only when none was sent. */
  protected abstract sendBatch(messages: readonly OutboundMessage[]): Promise<BatchOutcome[]>;

  /** Reads a provider callback; throws a message for a 400 when it is not one. */
  protected abstract parseCallback(callback: UpstreamCallback): ParsedCallback;

  async start(): Promise<void> {
    this.state = 'up';
  }

  async stop(): Promise<void> {
    this.batcher.flush();
    this.state = 'stopped';
    if (this.upAgain) clearTimeout(this.upAgain);
  }

  available(): number {
    const state = this.currentState();
    if (state === 'stopped' || state === 'down') return 0;
    return Math.max(0, this.settings.window - this.inFlight);
  }

  /**
   * Down for a while after repeated connection failures (a circuit breaker): then up again on
   * probation, and down again, for longer, at the next connection failure.
   */
  private currentState(): ConnectorState {
    if (this.state === 'stopped') return 'stopped';
    return this.circuit.state() === 'open' ? 'down' : 'up';
  }

  async submit(message: OutboundMessage): Promise<SubmitResult> {
    if (message.encoding === 'binary') {
      // Their APIs take texts; binary messages go out through SMPP (route them there).
      this.failed++;
      throw new ConnectorError(`${this.name} (${this.type}) does not send binary messages`, {
        retryable: false,
        rawCode: 'binary_not_supported',
      });
    }
    const startedAt = Date.now();
    this.inFlight++;
    try {
      const result = await this.batcher.submit(message);
      this.submitted++;
      this.connected();
      return result;
    } catch (error) {
      this.failed++;
      if (
        error instanceof ConnectorError &&
        (error.rawCode === 'timeout' || error.rawCode === 'network' || /^E[A-Z]+$/.test(error.rawCode ?? ''))
      ) {
        this.connectionFailed(startedAt, error.message);
      } else {
        this.connected();
      }
      throw error;
    } finally {
      this.inFlight--;
      this.sink.capacityAvailable();
    }
  }

  status(): ConnectorStatus {
    return {
      name: this.name,
      type: this.type,
      state: this.currentState(),
      inFlight: this.inFlight,
      submitted: this.submitted,
      failed: this.failed,
      detail: {
        connectionFailures: this.connectionFailures,
        downUntil: this.circuit.state() === 'open' ? new Date(this.circuit.openUntil).toISOString() : null,
      },
    };
  }

  async handleCallback(callback: UpstreamCallback): Promise<CallbackReply> {
    if (!callbackAuthentic(this.settings, callback, this.settings.callbackUrl)) {
      return { status: 401, body: { error: 'wrong or missing callback credential' } };
    }
    let parsed: ParsedCallback;
    try {
      parsed = this.parseCallback(callback);
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    // Stored before the answer: a 2xx lets the provider forget the callback.
    for (const receipt of parsed.receipts) await this.sink.receipt(receipt);
    for (const message of parsed.inbound) await this.sink.inbound(message);
    return { status: 200, body: { received: parsed.receipts.length + parsed.inbound.length } };
  }

  /** Wakes the dispatcher when probation starts (timers may fire a millisecond early: check again). */
  private armUpAgain(wait: number): void {
    this.upAgain = setTimeout(() => {
      const left = this.circuit.openUntil - Date.now();
      if (left > 0) this.armUpAgain(left + 1);
      else this.sink.capacityAvailable();
    }, wait);
    this.upAgain.unref();
  }

  private connected(): void {
    this.connectionFailures = 0;
    if (this.circuit.trips > 0) this.sink.stateChanged?.({ connector: this.name, kind: 'circuit_closed' });
    this.circuit.recordSuccess();
  }

  private connectionFailed(startedAt: number, cause: string): void {
    this.connectionFailures++;
    if (this.state === 'stopped') return;
    // Requests that were in flight together fail together: one trip, not one per request.
    if (this.circuit.recordFailure(startedAt) !== 'tripped') return;
    // The first trip is the news; a failed probe after it only lengthens the wait.
    if (this.circuit.trips === 1) {
      this.sink.stateChanged?.({
        connector: this.name,
        kind: 'circuit_opened',
        detail: cause,
        retryInMs: this.circuit.openUntil - Date.now(),
      });
    }
    if (this.upAgain) clearTimeout(this.upAgain);
    // On probation again when the wait is over: tell the dispatcher there is room.
    this.armUpAgain(this.circuit.openUntil - Date.now());
  }
}
