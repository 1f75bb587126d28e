/**
 * `npm run soak`: the built gateway for SOAK_MINUTES (30) at SOAK_RATE messages/s (300: about half
 * of what webhook delivery sustained on 2026-12-03, docs/performance.md), every message with a delivery receipt
 * (the `sim` connector, 200 ms) and a callbackUrl (two events each). Prints one line a minute —
 * resident memory, accept latency p50/p99, messages and events not yet settled — and at the end
 * whether memory and latency stayed flat and whether anything was left stuck after the load
 * stopped. Figures only: nothing here asserts on time (docs/performance.md quotes them).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { BENCH_ADMIN_KEY, startGateway, stats } from './gateway-process.js';
import { BenchReceiver } from './webhook-receiver.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const rate = Number(process.env.SOAK_RATE ?? 300);
const TICK_MS = 100;

const receiver = await BenchReceiver.start();
const gateway = await startGateway({
  connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 200 }],
  webhooks: { allowPrivateAddresses: true },
});
const url = new URL('/v1/messages', gateway.url);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** Resident memory, and the part of it that is the process's own (RssAnon: not the SQLite file it maps). */
function rssMiB(): { total: number; anon: number } {
  const status = readFileSync(`/proc/${gateway.process.pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { total: Math.round(kib('VmRSS') / 1024), anon: Math.round(kib('RssAnon') / 1024) };
}

let sent = 0;
let accepted = 0;
let refused = 0;
let failed = 0;
let latencies: number[] = [];

function send(i: number): void {
  const started = performance.now();
  const body = JSON.stringify({
    // +447911 100000–299999: numbers libphonenumber takes as UK mobiles (from 300000 it refuses them).
    to: `+447911${String(100_000 + (i % 200_000)).padStart(6, '0')}`,
    text: `soak ${i}`,
    callbackUrl: receiver.url,
  });
  const req = request(url, {
    method: 'POST',
    agent,
    headers: {
      authorization: `Bearer ${BENCH_ADMIN_KEY}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  req.on('response', (response) => {
    response.resume();
    response.on('end', () => {
      latencies.push(performance.now() - started);
      if (response.statusCode === 202) accepted++;
      else refused++;
    });
  });
  req.on('error', () => failed++);
  req.end(body);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function unsettled(): Promise<{ messages: number; events: number }> {
  const s = await stats(gateway.url);
  const open = ['queued', 'scheduled', 'sending', 'sent'].reduce((n, k) => n + (s.messages[k] ?? 0), 0);
  const response = await fetch(`${gateway.url}/v1/events?state=pending&limit=1000`, {
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` },
  });
  const events = ((await response.json()) as { data: unknown[] }).data.length;
  return { messages: open, events };
}

interface Sample {
  minute: number;
  rss: number;
  anon: number;
  p50: number;
  p99: number;
  accepted: number;
  /** Sends answered with something other than 202, or not answered, in that minute. */
  notAccepted: number;
  open: number;
  pendingEvents: number;
}
const samples: Sample[] = [];
const perTick = (rate * TICK_MS) / 1000;
let credit = 0;
const startedAt = Date.now();
const ticker = setInterval(() => {
  credit += perTick;
  for (; credit >= 1; credit--) send(sent++);
}, TICK_MS);

console.log(`soak: ${minutes} min at ${rate} messages/s, receipts after 200 ms, two webhook events each`);
console.log(
  'minute | RSS MiB (own) | accept p50 / p99 ms | 202s this minute | not 202 | messages open | events pending (≤1000)',
);
for (let minute = 1; minute <= minutes; minute++) {
  await new Promise((r) => setTimeout(r, startedAt + minute * 60_000 - Date.now()));
  const window = latencies;
  latencies = [];
  const before = samples.reduce((n, s) => n + s.accepted, 0);
  const notBefore = samples.reduce((n, s) => n + s.notAccepted, 0);
  const open = await unsettled();
  const memory = rssMiB();
  const sample = {
    minute,
    rss: memory.total,
    anon: memory.anon,
    p50: Math.round(percentile(window, 50)),
    p99: Math.round(percentile(window, 99)),
    accepted: accepted - before,
    notAccepted: refused + failed - notBefore,
    open: open.messages,
    pendingEvents: open.events,
  };
  samples.push(sample);
  console.log(
    `${minute} | ${sample.rss} (${sample.anon}) | ${sample.p50} / ${sample.p99} | ${sample.accepted} | ${sample.notAccepted} | ${sample.open} | ${sample.pendingEvents}`,
  );
}
clearInterval(ticker);

// Nothing stuck: once the load stops, every message reaches a final status and every event goes out.
const stopAt = Date.now();
let left = await unsettled();
while ((left.messages > 0 || left.events > 0) && Date.now() - stopAt < 300_000) {
  await new Promise((r) => setTimeout(r, 1000));
  left = await unsettled();
}
const drainSeconds = Math.round((Date.now() - stopAt) / 1000);
const steady = samples.slice(Math.min(4, samples.length - 1));
const first = steady[0]!;
const last = samples.at(-1)!;
console.log(
  `sent ${sent}, accepted ${accepted}, refused ${refused}, no answer ${failed}; webhook requests received ${receiver.received}`,
);
console.log(
  `memory: RSS ${first.rss} MiB at minute ${first.minute}, ${last.rss} MiB at minute ${last.minute}, ` +
    `max ${Math.max(...steady.map((s) => s.rss))} MiB (peak ${gateway.peakRssMiB()} MiB)`,
);
console.log(
  `latency: p99 ${first.p99} ms at minute ${first.minute}, ${last.p99} ms at minute ${last.minute}, ` +
    `max ${Math.max(...steady.map((s) => s.p99))} ms`,
);
console.log(
  `after the load stopped: ${left.messages} messages open, ${left.events} events pending after ${drainSeconds} s`,
);
await gateway.stop();
agent.destroy();
receiver.close();
