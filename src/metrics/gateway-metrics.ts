import { Counter, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: a group commit is milliseconds, an SMSC's answer up to seconds. */
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A delivery receipt comes seconds to hours after the submission. */
const RECEIPT_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

/**
 * The gateway's Prometheus metrics (docs/metrics.md). Counters and histograms here are incremented
 * where the event already happens (one Map lookup and an add); the gauges that read the gateway's
 * state are registered by `registerScrapeGauges` and computed only when `/metrics` is scraped.
 * A registry of its own, not prom-client's global one: several gateways in one process (tests)
 * must not share counts.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  /** Messages accepted (stored), by the API dialect that took them. */
  readonly accepted = new Counter({
    name: 'smsgate_messages_accepted_total',
    help: 'Messages accepted and stored, by the API dialect (or smpp) that took them',
    labelNames: ['dialect'] as const,
    registers: [this.registry],
  });

  /** Status transitions committed (every history row), by the status entered. */
  readonly transitions = new Counter({
    name: 'smsgate_message_transitions_total',
    help: 'Message status transitions committed, by the status entered',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly acceptSeconds = new Histogram({
    name: 'smsgate_accept_duration_seconds',
    help: 'Time to accept one send request: limits checked and its messages committed',
    labelNames: ['dialect'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  /** Submissions to an upstream by outcome: `sent`, `failed`, `throttled`. */
  readonly submits = new Counter({
    name: 'smsgate_connector_submits_total',
    help: 'Submissions to an upstream, by connector and outcome (sent, failed, throttled)',
    labelNames: ['connector', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly submitSeconds = new Histogram({
    name: 'smsgate_submit_duration_seconds',
    help: "Time from a submission to the upstream's answer (submit_sm_resp, HTTP response)",
    labelNames: ['connector'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  readonly receipts = new Counter({
    name: 'smsgate_receipts_total',
    help: 'Delivery receipts received, by connector and normalised state',
    labelNames: ['connector', 'state'] as const,
    registers: [this.registry],
  });

  readonly receiptSeconds = new Histogram({
    name: 'smsgate_receipt_latency_seconds',
    help: 'Time from the submission of a segment to its delivery receipt (submitted by this process)',
    labelNames: ['connector'] as const,
    buckets: RECEIPT_BUCKETS,
    registers: [this.registry],
  });

  /** Bind changes, throttling and circuit changes, as connectors report them. */
  readonly connectorEvents = new Counter({
    name: 'smsgate_connector_events_total',
    help: 'Connector link events (bind_up, bind_lost, throttling_started, circuit_opened …)',
    labelNames: ['connector', 'kind'] as const,
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'smsgate_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpSeconds = new Histogram({
    name: 'smsgate_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
