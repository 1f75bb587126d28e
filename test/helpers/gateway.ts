import { buildConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import { FAST_QUEUE } from './scaled-timings.js';

/** A well-formed admin key the test gateways bootstrap with. */
export const TEST_ADMIN_KEY = 'sk_testadmin0_abcdefghijklmnopqrstuvwxyz012345';

export interface TestGatewayOptions {
  config?: ConfigInput;
  /** Open the HTTP port (on 127.0.0.1, a free port) instead of using `inject` only. */
  listen?: boolean;
  earlyReceiptWaitMs?: number;
  /** How far ahead the scheduler holds messages in memory (the gateway's default: 60 s). */
  schedulerHorizonMs?: number;
  /** Where the gateway logs (default: silent, or TEST_LOG_LEVEL). */
  logger?: Logger;
}

/**
 * A real gateway on a test store: real dispatcher, real sim connector (fast receipts), real
 * Fastify server. Nothing is mocked.
 */
export async function startTestGateway(store: Store, options: TestGatewayOptions = {}): Promise<Gateway> {
  const config = buildConfig({
    host: '127.0.0.1',
    port: 0,
    // The SMPP server opens only where a test asks for it (a port of its own, or 0 from the OS).
    smppPort: 0,
    logLevel: 'silent',
    connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 5 }],
    // Tests make many deliberate failed authentications from 127.0.0.1; the limiter has its own test.
    maxFailedAuthPerMinute: 0,
    ...options.config,
    queue: { ...FAST_QUEUE, ...options.config?.queue },
  });
  const gateway = await Gateway.create({
    config,
    store,
    adminKey: TEST_ADMIN_KEY,
    logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    earlyReceiptWaitMs: options.earlyReceiptWaitMs ?? 200,
    ...(options.schedulerHorizonMs !== undefined ? { schedulerHorizonMs: options.schedulerHorizonMs } : {}),
  });
  await gateway.start(options.listen ?? false);
  return gateway;
}

/** Authorization header for the bootstrap admin. */
export const ADMIN_AUTH = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
