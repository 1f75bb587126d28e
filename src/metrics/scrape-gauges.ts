import { Counter, Gauge } from 'prom-client';
import { CONNECTOR_STATES, type Connector } from '../connectors/connector.js';
import type { Dispatcher } from '../queue/dispatcher.js';
import { BIND_MODES } from '../smpp/bind-modes.js';
import type { BindRegistry } from '../smpp-server/bind-registry.js';
import type { WebhookDeliverer } from '../webhooks/webhook-deliverer.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/** What the scrape-time gauges read: the gateway's parts, never the store (a scrape stays cheap). */
export interface ScrapeSources {
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly dispatcher: Dispatcher;
  readonly webhooks: WebhookDeliverer;
  readonly smppBinds: BindRegistry;
}

/**
 * Registers the gauges computed when `/metrics` is scraped: connector state and window, queue
 * depth, webhook counts and backlog, SMPP server binds. Nothing on the hot path updates them.
 */
export function registerScrapeGauges(metrics: GatewayMetrics, sources: ScrapeSources): void {
  const registers = [metrics.registry];
  const connectors = () => [...sources.connectors.values()];

  new Gauge({
    name: 'smsgate_connector_up',
    help: 'Connector state: 1 for the state it is in (starting, up, degraded, down, stopped), 0 for the others',
    labelNames: ['connector', 'state'] as const,
    registers,
    collect() {
      for (const connector of connectors()) {
        const { state } = connector.status();
        for (const s of CONNECTOR_STATES)
          this.set({ connector: connector.name, state: s }, s === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'smsgate_connector_in_flight',
    help: 'Submissions waiting for their answer (window slots in use)',
    labelNames: ['connector'] as const,
    registers,
    collect() {
      for (const c of connectors()) this.set({ connector: c.name }, c.status().inFlight);
    },
  });
  new Gauge({
    name: 'smsgate_connector_window_available',
    help: 'Submissions the connector may start now (window minus in flight; 0 when down)',
    labelNames: ['connector'] as const,
    registers,
    collect() {
      for (const c of connectors()) this.set({ connector: c.name }, c.available());
    },
  });

  new Gauge({
    name: 'smsgate_queue_messages',
    help: 'Messages in the dispatcher: unsent (all not yet submitted), in_memory (ready queue), in_flight, scheduled',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = sources.dispatcher.stats();
      this.set({ state: 'unsent' }, stats.unsent);
      this.set({ state: 'in_memory' }, stats.inMemory);
      this.set({ state: 'in_flight' }, stats.inFlight);
      this.set({ state: 'scheduled' }, stats.scheduled);
    },
  });

  // The deliverer already counts its outcomes; a counter that copies them at scrape time keeps
  // the `_total` type Prometheus expects without a second increment on the delivery path.
  new Counter({
    name: 'smsgate_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, failed attempt, dead-lettered, skipped) since start',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const counts = sources.webhooks.counters;
      this.reset();
      this.inc({ outcome: 'delivered' }, counts.delivered);
      this.inc({ outcome: 'failed' }, counts.failedAttempts);
      this.inc({ outcome: 'dead' }, counts.dead);
      this.inc({ outcome: 'skipped' }, counts.skipped);
    },
  });
  new Gauge({
    name: 'smsgate_webhook_backlog',
    help: 'Webhook events waiting in memory for delivery (see smsgate_webhook_backlog_on_disk for more)',
    registers,
    collect() {
      this.set(sources.webhooks.status().inMemory);
    },
  });
  new Gauge({
    name: 'smsgate_webhook_backlog_on_disk',
    help: '1 when pending webhook events wait in the store beyond those in memory',
    registers,
    collect() {
      this.set(sources.webhooks.status().onDisk ? 1 : 0);
    },
  });

  new Gauge({
    name: 'smsgate_smpp_server_binds',
    help: "Client binds to the gateway's SMPP server, by bind mode",
    labelNames: ['mode'] as const,
    registers,
    collect() {
      const counts = new Map<string, number>(BIND_MODES.map((m) => [m, 0]));
      for (const bind of sources.smppBinds.all()) counts.set(bind.mode, (counts.get(bind.mode) ?? 0) + 1);
      for (const [mode, n] of counts) this.set({ mode }, n);
    },
  });
}
