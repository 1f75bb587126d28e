import type { SimConnectorConfig } from '../../config/schema.js';
import { ConnectorError } from '../../core/errors.js';
import type {
  AwaitingReceipt,
  Connector,
  ConnectorSink,
  ConnectorState,
  ConnectorStatus,
  OutboundMessage,
  ReceiptState,
  SubmitResult,
} from '../connector.js';
import { matchSimRule, SIM_RECEIPT_CODES } from './sim-rules.js';

interface PendingReceipt {
  dueAt: number;
  upstreamId: string;
  state: 'delivered' | 'undelivered' | 'expired';
}

/**
 * The built-in simulated upstream: accepts every submission at once, answers with one upstream id
 * per segment and reports a delivery receipt for each after `receiptDelayMs`. Destination rules
 * make chosen numbers end undelivered, expired, rejected, throttled or silent, so every outcome can
 * be seen without a real SMSC.
 */
export class SimConnector implements Connector {
  readonly type = 'sim';
  readonly name: string;
  private readonly config: SimConnectorConfig;
  private readonly sink: ConnectorSink;
  private state: ConnectorState = 'stopped';
  private sequence = 0;
  private inFlight = 0;
  private submitted = 0;
  private failed = 0;
  /** Throttle counters per message id for `throttled` rules. */
  private readonly throttledTries = new Map<string, number>();
  /** Receipts wait in due order: the delay is constant, so a FIFO needs one timer, not one per message. */
  private readonly receipts: PendingReceipt[] = [];
  private receiptHead = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(config: SimConnectorConfig, sink: ConnectorSink) {
    this.name = config.name;
    this.config = config;
    this.sink = sink;
  }

  async start(): Promise<void> {
    this.state = 'up';
  }

  async simulateInbound(message: { from: string; to: string; text: string }): Promise<void> {
    await this.sink.inbound({ connector: this.name, ...message, receivedAt: Date.now() });
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  available(): number {
    return this.state === 'up' ? this.config.window - this.inFlight : 0;
  }

  async submit(message: OutboundMessage): Promise<SubmitResult> {
    if (this.state !== 'up') throw new ConnectorError('sim connector is stopped', { retryable: true });
    this.inFlight++;
    try {
      const rule = matchSimRule(this.config.rules, message.to);
      if (rule?.outcome === 'rejected') {
        this.failed++;
        throw new ConnectorError('simulated permanent rejection', {
          retryable: false,
          rawCode: 'ESME_RINVDSTADR',
        });
      }
      if (rule?.outcome === 'throttled') {
        const tries = (this.throttledTries.get(message.id) ?? 0) + 1;
        if (tries <= (rule.times ?? 1)) {
          this.throttledTries.set(message.id, tries);
          this.failed++;
          throw new ConnectorError('simulated throttling', { retryable: true, rawCode: 'ESME_RTHROTTLED' });
        }
        this.throttledTries.delete(message.id);
      }
      const upstreamIds: string[] = [];
      for (let i = 0; i < message.segments; i++) upstreamIds.push(this.nextUpstreamId());
      this.submitted++;
      this.armReceipts(message.to, upstreamIds);
      return { upstreamIds };
    } finally {
      this.inFlight--;
    }
  }

  status(): ConnectorStatus {
    return {
      name: this.name,
      type: this.type,
      state: this.state,
      inFlight: this.inFlight,
      submitted: this.submitted,
      failed: this.failed,
      detail: { pendingReceipts: this.receipts.length - this.receiptHead },
    };
  }

  resumeAwaitingReceipts(messages: readonly AwaitingReceipt[]): void {
    for (const message of messages) this.armReceipts(message.to, message.upstreamIds);
  }

  private nextUpstreamId(): string {
    this.sequence++;
    return `sim-${Date.now().toString(36)}-${this.sequence.toString(36)}`;
  }

  private armReceipts(to: string, upstreamIds: readonly string[]): void {
    const outcome = matchSimRule(this.config.rules, to)?.outcome;
    if (outcome === 'silent') return;
    const state = outcome === 'undelivered' || outcome === 'expired' ? outcome : 'delivered';
    const dueAt = Date.now() + this.config.receiptDelayMs;
    for (const upstreamId of upstreamIds) this.receipts.push({ dueAt, upstreamId, state });
    if (!this.timer) this.scheduleTimer();
  }

  private scheduleTimer(): void {
    const next = this.receipts[this.receiptHead];
    if (!next || this.state !== 'up') {
      this.timer = undefined;
      return;
    }
    this.timer = setTimeout(() => this.emitDue(), Math.max(0, next.dueAt - Date.now()));
  }

  private emitDue(): void {
    const now = Date.now();
    while (this.receiptHead < this.receipts.length) {
      const receipt = this.receipts[this.receiptHead]!;
      if (receipt.dueAt > now) break;
      this.receiptHead++;
      void this.deliver(receipt);
    }
    if (this.receiptHead > 1024 && this.receiptHead * 2 > this.receipts.length) {
      this.receipts.splice(0, this.receiptHead);
      this.receiptHead = 0;
    }
    this.scheduleTimer();
  }

  private async deliver(receipt: PendingReceipt): Promise<void> {
    const state: ReceiptState = receipt.state;
    try {
      await this.sink.receipt({
        connector: this.name,
        upstreamId: receipt.upstreamId,
        state,
        rawCode: SIM_RECEIPT_CODES[receipt.state],
        detail: null,
        at: Date.now(),
      });
    } catch {
      // The gateway could not store the receipt (shutting down); a real SMSC would redeliver it, so do we.
      if (this.state === 'up') {
        this.receipts.push({ ...receipt, dueAt: Date.now() + 1000 });
        if (!this.timer) this.scheduleTimer();
      }
    }
  }
}
