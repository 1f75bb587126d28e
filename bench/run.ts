/**
 * `npm run bench`: starts the built gateway as its own process and prints
 *  - single-message ingest rate (POST /v1/messages, one recipient) over 50 keep-alive connections,
 *  - p50 / p99 accept latency,
 *  - end-to-end rate through the `sim` connector (accepted → delivered),
 *  - the gateway's peak RSS.
 * BENCH_SECONDS (default 10) sets the ingest duration; BENCH_DATABASE_URL=postgres://… runs it on
 * PostgreSQL; BENCH_SQLITE_SYNCHRONOUS=normal trades power-loss durability for speed on SQLite;
 * BENCH_WEBHOOKS=1 gives every message a callbackUrl on a local receiver and also prints how fast
 * the status events (sent, delivered) reach it.
 */
import { rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { BENCH_ADMIN_KEY, startGateway, stats } from './gateway-process.js';
import { BenchReceiver } from './webhook-receiver.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const databaseUrl = process.env.BENCH_DATABASE_URL;
const sqliteSynchronous = process.env.BENCH_SQLITE_SYNCHRONOUS;
const webhooks = process.env.BENCH_WEBHOOKS === '1';
/** Events per delivered message: `sent` and `delivered`. */
const EVENTS_PER_MESSAGE = 2;
const FINAL = ['delivered', 'undelivered', 'expired', 'rejected', 'failed', 'canceled'];

async function main(): Promise<void> {
  const receiver = webhooks ? await BenchReceiver.start() : undefined;
  callbackUrl = receiver?.url;
  const gateway = await startGateway(
    {
      ...(receiver ? { webhooks: { allowPrivateAddresses: true, concurrencyPerDestination: 64 } } : {}),
      connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 10, window: 5000 }],
      queue: { maxQueued: 5_000_000 },
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(sqliteSynchronous ? { sqlite: { synchronous: sqliteSynchronous } } : {}),
    },
    {},
  );
  try {
    console.log(
      `smsgate benchmark: ${connections} connections, ${seconds}s, store ${databaseUrl ? 'PostgreSQL' : `SQLite (synchronous ${sqliteSynchronous ?? 'full'})`}${receiver ? ', webhooks on' : ''}`,
    );
    // Warm-up: JIT, prepared statements, page cache.
    await autocannon({ url: `${gateway.url}/v1/messages`, connections: 10, amount: 2000, ...request() });
    await waitForAllFinal(gateway.url, 60_000);
    if (receiver) await receiver.waitFor(2000 * EVENTS_PER_MESSAGE, 120_000);
    const eventsBefore = receiver?.received ?? 0;
    const before = await stats(gateway.url);
    const alreadyFinal = countFinal(before.messages);

    const started = Date.now();
    const result = await autocannon({
      url: `${gateway.url}/v1/messages`,
      connections,
      duration: seconds,
      ...request(),
    });
    const ingestEnded = Date.now();
    const accepted = result['2xx'];
    const doneAt = await waitForAllFinal(gateway.url, 300_000);
    const after = await stats(gateway.url);
    const finals = countFinal(after.messages) - alreadyFinal;

    const ingestRate = accepted / ((ingestEnded - started) / 1000);
    const e2eRate = finals / ((doneAt - started) / 1000);
    console.log('');
    console.log(
      `ingest            ${fmt(ingestRate)} messages/s accepted (202), ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
    if (result.non2xx > 0) console.log(`status codes      ${JSON.stringify(result.statusCodeStats)}`);
    console.log(
      `accept latency    p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
    );
    console.log(
      `end to end        ${fmt(e2eRate)} messages/s accepted → final (${finals} messages, last final ${((doneAt - ingestEnded) / 1000).toFixed(1)} s after ingest ended)`,
    );
    if (receiver) {
      const expected = eventsBefore + finals * EVENTS_PER_MESSAGE;
      const lastEventAt = await receiver.waitFor(expected, 600_000);
      console.log(
        `webhook events    ${fmt((expected - eventsBefore) / ((lastEventAt - started) / 1000))} events/s delivered (${expected - eventsBefore} events, last ${((lastEventAt - doneAt) / 1000).toFixed(1)} s after the last final status)`,
      );
    }
    console.log(`statuses          ${JSON.stringify(after.messages)}`);
    console.log(`peak RSS          ${gateway.peakRssMiB()} MiB`);
  } finally {
    receiver?.close();
    await gateway.stop();
    rmSync(gateway.dataDir, { recursive: true, force: true });
  }
}

let sequence = 0;
let callbackUrl: string | undefined;

/**
 * One POST with a different recipient each time (valid UK mobile numbers that match none of the
 * simulator's failure rules), so no cache sees the same number twice in a row.
 */
function request() {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` };
  return {
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req: Record<string, unknown>) => {
          sequence = (sequence + 1) % 10_000;
          // 07911 1xxxx7: 10,000 valid UK mobile numbers, none ending in a simulator failure suffix.
          const to = `+4479111${String(sequence).padStart(4, '0')}7`;
          return { ...req, body: JSON.stringify({ to, text: 'Your code is 123456', callbackUrl }) };
        },
      },
    ],
  };
}

async function waitForAllFinal(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await stats(url);
    const total = Object.values(current.messages).reduce((a, b) => a + b, 0);
    if (countFinal(current.messages) === total) return Date.now();
    if (Date.now() > deadline)
      throw new Error(`not all messages final after ${timeoutMs} ms: ${JSON.stringify(current.messages)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function countFinal(messages: Record<string, number>): number {
  return FINAL.reduce((sum, status) => sum + (messages[status] ?? 0), 0);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
