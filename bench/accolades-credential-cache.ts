/**
 * `npm run bench:accolades`: what the verified-credential cache is worth on seed 003's
 * `POST /<accountNumber>/sms/send`. Starts the built gateway (its own process) twice — with the
 * cache (the default) and without it (`credentialCache.ttlMs: 0`) — and prints, for each:
 *  - sends accepted per second over BENCH_CONNECTIONS (50) keep-alive connections for
 *    BENCH_SECONDS (10), with p50 / p99 latency;
 *  - the mean time of 200 one-at-a-time refusals for a wrong password and for an unknown account
 *    number (they must be alike: the cache never makes a failure cheap);
 * and, for scale, the native `POST /v1/messages` with an API key on the cached gateway.
 * BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL.
 */
import { rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { BENCH_ADMIN_KEY, type RunningGateway, startGateway } from './gateway-process.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const databaseUrl = process.env.BENCH_DATABASE_URL;
const ACCOUNT_NUMBER = '401234567890';
const PASSWORD = 'the CRM api password';
const FAILURE_SAMPLES = 200;

async function main(): Promise<void> {
  console.log(
    `seed 003 credential cache: ${connections} connections, ${seconds}s, store ${databaseUrl ? 'PostgreSQL' : 'SQLite'}`,
  );
  for (const cached of [true, false]) {
    const gateway = await startGateway({
      connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 10, window: 5000 }],
      queue: { maxQueued: 5_000_000 },
      // The failure timings below fail on purpose, far more than 10 times a minute.
      maxFailedAuthPerMinute: 0,
      ...(cached ? {} : { credentialCache: { ttlMs: 0 } }),
      ...(databaseUrl ? { databaseUrl } : {}),
    });
    try {
      await provision(gateway.url);
      const label = cached ? 'with cache   ' : 'without cache';
      await autocannon({ url: sendUrl(gateway), connections: 10, amount: 1000, ...formSend(PASSWORD) });
      const result = await autocannon({
        url: sendUrl(gateway),
        connections,
        duration: seconds,
        ...formSend(PASSWORD),
      });
      const rate = result['2xx'] / (result.duration || seconds);
      console.log(
        `${label}  ${fmt(rate)} sends/s accepted, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
      );
      const wrong = await meanMs(gateway, ACCOUNT_NUMBER, 'not the password');
      const unknown = await meanMs(gateway, '409999999999', PASSWORD);
      console.log(
        `${label}  refusals one at a time: wrong password ${wrong.toFixed(2)} ms, unknown account number ${unknown.toFixed(2)} ms`,
      );
      if (cached) {
        const native = await autocannon({
          url: `${gateway.url}/v1/messages`,
          connections,
          duration: seconds,
          ...nativeSend(),
        });
        console.log(
          `native /v1 (API key, for scale)  ${fmt(native['2xx'] / (native.duration || seconds))} sends/s accepted, p50 ${native.latency.p50} ms, p99 ${native.latency.p99} ms`,
        );
      }
    } finally {
      await gateway.stop();
      rmSync(gateway.dataDir, { recursive: true, force: true });
    }
  }
}

function sendUrl(gateway: RunningGateway): string {
  return `${gateway.url}/${ACCOUNT_NUMBER}/sms/send`;
}

async function provision(url: string): Promise<void> {
  const admin = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
  const account = await fetch(`${url}/v1/accounts`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ name: 'bench CRM', role: 'client' }),
  });
  if (account.status !== 201) throw new Error(`account: ${account.status} ${await account.text()}`);
  const { id } = (await account.json()) as { id: string };
  const credential = await fetch(`${url}/v1/accounts/${id}/credentials`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({
      kind: 'account_password',
      identifier: ACCOUNT_NUMBER,
      secret: PASSWORD,
      region: 'GB',
    }),
  });
  // On PostgreSQL the second gateway shares the first one's database: its credential is there already.
  if (credential.status === 409) return;
  if (credential.status !== 201)
    throw new Error(`credential: ${credential.status} ${await credential.text()}`);
}

let sequence = 0;

/** 10,000 valid UK mobile numbers in turn (none ends in a simulator failure suffix), as national numbers. */
function nextNumber(): string {
  sequence = (sequence + 1) % 10_000;
  return `079111${String(sequence).padStart(4, '0')}7`;
}

function formSend(password: string) {
  return {
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: new URLSearchParams({
            password,
            phoneNumber: nextNumber(),
            message: 'Your code is 123456',
          }).toString(),
        }),
      },
    ],
  };
}

function nativeSend() {
  return {
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: JSON.stringify({ to: `+44${nextNumber().slice(1)}`, text: 'Your code is 123456' }),
        }),
      },
    ],
  };
}

/** Mean wall time of refused requests made one after another (each must be a 401). */
async function meanMs(gateway: RunningGateway, accountNumber: string, password: string): Promise<number> {
  const body = () => new URLSearchParams({ password, phoneNumber: nextNumber(), message: 'x' });
  let total = 0;
  for (let i = 0; i < FAILURE_SAMPLES; i++) {
    const started = performance.now();
    const response = await fetch(`${gateway.url}/${accountNumber}/sms/send`, {
      method: 'POST',
      body: body(),
    });
    await response.arrayBuffer();
    total += performance.now() - started;
    if (response.status !== 401) throw new Error(`expected 401, got ${response.status}`);
  }
  return total / FAILURE_SAMPLES;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
