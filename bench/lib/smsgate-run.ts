/**
 * One smsgate measurement: the built gateway in its own process, sending through its SMPP
 * connector to the simulator process, driven by wrk. Used by `npm run bench` and by
 * bench/peer-kannel, so both print figures of the same procedure.
 */
import { rmSync } from 'node:fs';
import { BENCH_ADMIN_KEY, type RunningGateway, startGateway, stats } from '../gateway-process.js';
import type { BenchReceiver } from '../webhook-receiver.js';
import { cpuMs } from './cpu.js';
import { freshDatabase } from './postgres.js';
import { type SmscProcess, smppConnector, startSmsc } from './smsc-process.js';
import { type WrkResult, wrk } from './wrk.js';

export const FINAL = ['delivered', 'undelivered', 'expired', 'rejected', 'failed', 'canceled'];
export const SMPP_WINDOW = 200;
/**
 * SMPP binds to the simulator (BENCH_BINDS, 1: what Kannel gets in bench/peer-kannel). Receipts
 * are answered only once stored and the simulator leaves at most 10 unanswered per bind, so more
 * binds let more receipts be stored in each commit (docs/performance.md).
 */
export const SMPP_BINDS = Number(process.env.BENCH_BINDS ?? 1);

export interface StackOptions {
  postgres?: boolean;
  synchronous?: 'full' | 'normal';
  /** Extra config merged over the defaults (e.g. an unreachable upstream). */
  config?: Record<string, unknown>;
  /** No simulator: the connector points at a port nobody listens on (a stopped upstream). */
  stoppedUpstream?: boolean;
}

export interface Stack {
  gateway: RunningGateway;
  smsc?: SmscProcess;
  store: string;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const smsc = options.stoppedUpstream ? undefined : await startSmsc(0);
  const database = options.postgres ? await freshDatabase() : undefined;
  const gateway = await startGateway(
    {
      connectors: [{ ...smppConnector(smsc?.port ?? 9, SMPP_WINDOW), binds: SMPP_BINDS }],
      webhooks: { allowPrivateAddresses: true, concurrencyPerDestination: 64 },
      queue: { maxQueued: 5_000_000 },
      maxFailedAuthPerMinute: 0,
      ...(database ? { databaseUrl: database.url } : {}),
      ...(options.synchronous ? { sqlite: { synchronous: options.synchronous } } : {}),
      ...options.config,
    },
    {},
    options.stoppedUpstream ? '/health' : '/ready',
  );
  return {
    gateway,
    smsc,
    store:
      (database ? 'PostgreSQL 15' : `SQLite synchronous=${options.synchronous ?? 'full'}`) +
      (SMPP_BINDS === 1 ? '' : `, ${SMPP_BINDS} SMPP binds`),
    async stop() {
      await gateway.stop();
      await smsc?.stop();
      await database?.drop();
      rmSync(gateway.dataDir, { recursive: true, force: true });
    },
  };
}

export const AUTH = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };

/** A native send body; `{N}` varies the recipient (valid UK mobiles no simulator rule matches). */
export function nativeBody(callbackUrl?: string): string {
  return JSON.stringify({
    to: '+4479111{N}7',
    text: 'Your code is 123456',
    ...(callbackUrl ? { callbackUrl } : {}),
  });
}

export interface IngestFigures {
  wrk: WrkResult;
  /** Messages from the start of the load to the last final status (or final callback), per second. */
  endToEnd: number;
  /** Seconds between the end of the load and the last final status (or callback). */
  tail: number;
  /** Gateway CPU (user + system) per accepted message, from the load's start to the last final, in µs. */
  cpuUsPerMessage: number;
}

/**
 * Warms up, then drives `POST /v1/messages` with wrk and waits until every accepted message is
 * final — and, with a receiver, until each one's final callback has arrived.
 */
export async function measureIngest(
  gateway: RunningGateway,
  options: { receiver?: BenchReceiver; seconds: number; connections: number },
): Promise<IngestFigures> {
  const load = {
    url: `${gateway.url}/v1/messages`,
    method: 'POST' as const,
    headers: AUTH,
    body: nativeBody(options.receiver?.url),
    connections: options.connections,
  };
  const warm = await wrk({ ...load, connections: 10, seconds: 2 });
  await settle(gateway, options.receiver, warm.requests - warm.non2xx, 0);
  const finalsBefore = options.receiver?.finals ?? 0;
  const pid = gateway.process.pid!;
  const cpuBefore = cpuMs(pid);
  const started = Date.now();
  const result = await wrk({ ...load, seconds: options.seconds });
  const ended = Date.now();
  const accepted = result.requests - result.non2xx;
  const doneAt = await settle(gateway, options.receiver, accepted, finalsBefore);
  return {
    wrk: result,
    endToEnd: accepted / ((doneAt - started) / 1000),
    tail: (doneAt - ended) / 1000,
    cpuUsPerMessage: ((cpuMs(pid) - cpuBefore) * 1000) / accepted,
  };
}

async function settle(
  gateway: RunningGateway,
  receiver: BenchReceiver | undefined,
  accepted: number,
  finalsBefore: number,
): Promise<number> {
  const doneAt = await waitForAllFinal(gateway.url, 600_000);
  if (!receiver) return doneAt;
  return receiver.waitForFinals(finalsBefore + accepted, 600_000);
}

export async function waitForAllFinal(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await stats(url);
    const total = Object.values(current.messages).reduce((a, b) => a + b, 0);
    const final = FINAL.reduce((sum, status) => sum + (current.messages[status] ?? 0), 0);
    if (final === total) return Date.now();
    if (Date.now() > deadline)
      throw new Error(`not all messages final after ${timeoutMs} ms: ${JSON.stringify(current.messages)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
