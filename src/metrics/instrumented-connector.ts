import type { Connector, DeliveryReceipt, OutboundMessage, SubmitResult } from '../connectors/connector.js';
import { ConnectorError } from '../core/errors.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/**
 * Submission times of the segments waiting for receipts, for the receipt latency histogram. Bounded:
 * receipts may never come (or come after hours), and a million of them must not fill the heap; the
 * oldest entries go first (a Map keeps insertion order), so only very late receipts go unmeasured.
 */
export class SubmitTimes {
  private readonly times = new Map<string, number>();

  constructor(private readonly limit = 100_000) {}

  remember(connector: string, upstreamIds: readonly string[], at: number): void {
    for (const id of upstreamIds) {
      this.times.set(`${connector}\u0000${id}`, at);
      if (this.times.size > this.limit) {
        const oldest = this.times.keys().next().value;
        if (oldest !== undefined) this.times.delete(oldest);
      }
    }
  }

  /**
   * When a final receipt's segment was submitted (then forgotten). Intermediate receipts (`accepted`,
   * `enroute`) answer nothing and keep it: the latency measured is to the verdict, once per segment.
   */
  take(receipt: DeliveryReceipt): number | undefined {
    if (receipt.state === 'accepted' || receipt.state === 'enroute') return undefined;
    const key = `${receipt.connector}\u0000${receipt.upstreamId}`;
    const at = this.times.get(key);
    if (at !== undefined) this.times.delete(key);
    return at;
  }
}

/** `throttled` for ESME_RTHROTTLED or HTTP 429, else `retry` or `failed`. */
function outcomeOf(error: unknown): string {
  if (!(error instanceof ConnectorError)) return 'failed';
  const code = error.rawCode ?? '';
  if (/THROTTLED/i.test(code) || code === '429' || code === '0x00000058') return 'throttled';
  return error.retryable ? 'retry' : 'failed';
}

/**
 * Wraps a connector so its submissions are counted and timed, without any connector knowing of
 * metrics. Everything else is the connector's own (optional methods stay optional).
 */
export function instrumentConnector(
  connector: Connector,
  metrics: GatewayMetrics,
  submitTimes: SubmitTimes,
): Connector {
  const { name } = connector;
  const sent = metrics.submits.labels(name, 'sent');
  const seconds = metrics.submitSeconds.labels(name);
  const wrapped: Connector = {
    name,
    type: connector.type,
    start: () => connector.start(),
    stop: () => connector.stop(),
    available: () => connector.available(),
    status: () => connector.status(),
    async submit(message: OutboundMessage): Promise<SubmitResult> {
      const startedAt = performance.now();
      try {
        const result = await connector.submit(message);
        sent.inc();
        submitTimes.remember(name, result.upstreamIds, Date.now());
        return result;
      } catch (error) {
        metrics.submits.labels(name, outcomeOf(error)).inc();
        throw error;
      } finally {
        seconds.observe((performance.now() - startedAt) / 1000);
      }
    },
  };
  if (connector.resumeAwaitingReceipts)
    wrapped.resumeAwaitingReceipts = connector.resumeAwaitingReceipts.bind(connector);
  if (connector.simulateInbound) wrapped.simulateInbound = connector.simulateInbound.bind(connector);
  if (connector.handleCallback) wrapped.handleCallback = connector.handleCallback.bind(connector);
  return wrapped;
}
