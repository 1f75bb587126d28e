// Back-off timings for tests: the shipped defaults with every timing multiplied by one factor, so a
// test runs faster but sees the same shape (growth, cap, give-up point) as production. Never shorten
// one timing alone: capped retry delays in tests once hid a ten-minute webhook stall.
import { configSchema } from '../../src/config/schema.js';

const DEFAULTS = configSchema.parse({});

function scale(value: number, factor: number): number {
  return Math.max(1, Math.round(value * factor));
}

/** `webhooks` back-off settings: the defaults × factor. */
export function scaledWebhookTimings(factor: number) {
  const d = DEFAULTS.webhooks;
  return {
    retryBaseMs: scale(d.retryBaseMs, factor),
    retryMaxMs: scale(d.retryMaxMs, factor),
    destinationRetryBaseMs: scale(d.destinationRetryBaseMs, factor),
    destinationRetryMaxMs: scale(d.destinationRetryMaxMs, factor),
    retryForSeconds: scale(d.retryForSeconds, factor),
  };
}

/** `queue` retry settings: the defaults × factor. */
export function scaledQueueTimings(factor: number) {
  const d = DEFAULTS.queue;
  return { retryBaseMs: scale(d.retryBaseMs, factor), retryMaxMs: scale(d.retryMaxMs, factor) };
}

/** Webhook timings 250 times faster than production (5 s → 20 ms first retry; probes 4 ms, doubling to 120 ms). */
export const FAST_WEBHOOKS = scaledWebhookTimings(1 / 250);
/** Dispatcher retries 100 times faster than production (2 s → 20 ms first retry, ≤ 6 s). */
export const FAST_QUEUE = scaledQueueTimings(1 / 100);
