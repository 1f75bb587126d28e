/**
 * `npm run bench:webhook-outage`: how long an application waits for its webhooks after its receiver
 * was down for N seconds. 50 messages are sent through the `sim` connector with a callbackUrl while
 * the receiver answers 503; after N seconds it answers 200, and the time until all 100 events (sent,
 * delivered) have arrived is measured. Outages up to BENCH_REAL_MAX_SECONDS (default 60) run in real
 * time with the shipped webhook defaults; longer ones run with every webhook timing scaled by the
 * same factor (BENCH_SCALE, default 1/60: the shape is the same) and the wait until the first
 * probe succeeds is scaled back (the backlog's sending time after it is real time).
 * BENCH_OUTAGES (seconds, comma-separated, default 8,30,60,300,1800,7200), BENCH_REPEATS (3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../src/config/load-config.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/core/logger.js';
import { Gateway } from '../src/gateway.js';

const outages = (process.env.BENCH_OUTAGES ?? '8,30,60,300,1800,7200').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const realMax = Number(process.env.BENCH_REAL_MAX_SECONDS ?? 60);
const scale = Number(process.env.BENCH_SCALE ?? 1 / 60);
const ADMIN_KEY = 'sk_benchadmin_abcdefghijklmnopqrstuvwxyz012345';
const MESSAGES = 50;

function webhookTimings(factor: number) {
  const d = configSchema.parse({}).webhooks;
  const s = (ms: number) => Math.max(1, Math.round(ms * factor));
  return {
    retryBaseMs: s(d.retryBaseMs),
    retryMaxMs: s(d.retryMaxMs),
    destinationRetryBaseMs: s(d.destinationRetryBaseMs),
    destinationRetryMaxMs: s(d.destinationRetryMaxMs),
    retryForSeconds: Math.max(1, Math.round(d.retryForSeconds * factor)),
  };
}

/**
 * One run: the wait after recovery in production time — until the first probe got through (scaled
 * back by the factor) plus the time to send the backlog after it (real time, not scaled) — and
 * the requests refused during the outage.
 */
async function run(outageMs: number, factor: number): Promise<{ waitMs: number; refused: number }> {
  let down = true;
  let delivered = 0;
  let refused = 0;
  let firstDeliveredAt = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (down) {
        refused++;
        response.writeHead(503).end();
      } else {
        if (delivered === 0) firstDeliveredAt = Date.now();
        delivered++;
        response.writeHead(200).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
  const dataDir = mkdtempSync(join(tmpdir(), 'smsgate-bench-outage-'));
  const gateway = await Gateway.create({
    config: buildConfig({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      logLevel: 'silent',
      connectors: [{ name: 'sim', type: 'sim' }],
      webhooks: { allowPrivateAddresses: true, ...webhookTimings(factor) },
    }),
    adminKey: ADMIN_KEY,
    logger: createLogger('silent'),
  });
  await gateway.start(false);
  try {
    const to = Array.from({ length: MESSAGES }, (_, i) => `+4479112${String(10_000 + i).padStart(5, '0')}`);
    const started = Date.now();
    const sent = await gateway.http.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ to, text: 'outage bench', callbackUrl }),
    });
    if (sent.statusCode !== 202) throw new Error(sent.body);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageMs - (Date.now() - started))));
    down = false;
    const recovered = Date.now();
    while (delivered < MESSAGES * 2) {
      if (Date.now() - recovered > 4 * 3600_000 * factor + 60_000) throw new Error('events did not arrive');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const flushMs = Date.now() - firstDeliveredAt;
    return { waitMs: (firstDeliveredAt - recovered) / factor + flushMs, refused };
  } finally {
    await gateway.stop();
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function format(ms: number): string {
  return ms < 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms < 120_000
      ? `${Math.round(ms / 1000)} s`
      : `${(ms / 60_000).toFixed(1)} min`;
}

console.log(
  `webhook wait after an outage: ${MESSAGES} messages (${MESSAGES * 2} events), ${repeats} runs each`,
);
console.log(
  '| receiver down for | clock | wait after recovery: min / median / max | requests during the outage (median) |',
);
console.log('|---|---|---|---|');
for (const seconds of outages) {
  const factor = seconds <= realMax ? 1 : scale;
  const waits: number[] = [];
  const refusals: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const { waitMs, refused } = await run(seconds * 1000 * factor, factor);
    waits.push(waitMs);
    refusals.push(refused);
  }
  waits.sort((a, b) => a - b);
  refusals.sort((a, b) => a - b);
  const median = (list: number[]) => list[Math.floor(list.length / 2)]!;
  console.log(
    `| ${format(seconds * 1000)} | ${factor === 1 ? 'real time' : `scaled ×${factor.toFixed(4)}`} | ${format(waits[0]!)} / ${format(median(waits))} / ${format(waits.at(-1)!)} | ${median(refusals)} |`,
  );
}
