/**
 * Memory with 1,000,000 messages queued behind a stopped upstream: the SMPP connector points at a
 * port nobody listens on, so nothing leaves; batches of 1,000 are accepted until a million wait.
 * Prints the gateway's resident set (VmRSS) once they are all queued, its own part of it (RssAnon:
 * VmRSS also counts the files the process maps: its binary and libraries, and the SQLite file up to
 * `sqlite.mmapMiB`, none by default), and its peak (VmHWM).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { stats } from '../gateway-process.js';
import { AUTH, type StackOptions, startStack } from '../lib/smsgate-run.js';
import { fmt, type Row } from '../lib/table.js';
import { BATCH_SIZE, batchBody } from './batch.js';

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
}

export async function rssScenario(options: StackOptions & { name: string; queued: number }): Promise<Row[]> {
  const stack = await startStack({ ...options, stoppedUpstream: true });
  try {
    const started = Date.now();
    const result = await autocannon({
      url: `${stack.gateway.url}/v1/messages`,
      connections: 4,
      amount: Math.ceil(options.queued / BATCH_SIZE),
      method: 'POST',
      headers: AUTH,
      body: batchBody(),
      timeout: 60,
    });
    const seconds = (Date.now() - started) / 1000;
    const queued = (await stats(stack.gateway.url)).messages.queued ?? 0;
    // Let a few seconds of timers (reconnects, queue refills) run before reading the resident set.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const pid = stack.gateway.process.pid!;
    return [
      {
        scenario: `RSS with ${fmt(queued)} queued behind a stopped upstream, ${stack.store}`,
        figure: `${rssMiB(pid, 'VmRSS')} MiB resident (${rssMiB(pid, 'RssAnon')} MiB its own, the rest mapped files), ${rssMiB(pid, 'VmHWM')} MiB peak (filled at ${fmt((result['2xx'] * BATCH_SIZE) / seconds)} msg/s, ${result.non2xx} non-2xx)`,
        command: `BENCH_ONLY=${options.name} npm run bench`,
      },
    ];
  } finally {
    await stack.stop();
  }
}
