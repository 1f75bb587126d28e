/**
 * Batch ingest: `POST /v1/messages` with a `to` list of 1,000 recipients, through the SMPP
 * connector to the simulator. Fewer connections than single sends: 8 requests in flight are
 * already 8,000 messages being committed.
 */

import { AUTH, type StackOptions, startStack, waitForAllFinal } from '../lib/smsgate-run.js';
import { fmt, ms, type Row } from '../lib/table.js';
import { wrk } from '../lib/wrk.js';

export const BATCH_SIZE = 1000;

export function batchBody(): string {
  const to = Array.from({ length: BATCH_SIZE }, (_, i) => `+4479111${String(i).padStart(4, '0')}7`);
  return JSON.stringify({ to, text: 'Your code is 123456' });
}

export async function batchScenario(
  options: StackOptions & { name: string; seconds: number },
): Promise<Row[]> {
  const stack = await startStack(options);
  try {
    const load = {
      url: `${stack.gateway.url}/v1/messages`,
      method: 'POST' as const,
      headers: AUTH,
      body: batchBody(),
    };
    await wrk({ ...load, connections: 2, seconds: 2 });
    await waitForAllFinal(stack.gateway.url, 300_000);
    const result = await wrk({ ...load, connections: 8, seconds: options.seconds });
    const messages = (result.requests - result.non2xx) * BATCH_SIZE;
    // Not waited for: sending a backlog of this size through one SMPP bind is the end-to-end
    // scenario's business, and here it would take minutes. What is queued is sent before the
    // process stops or (after SIGTERM's grace) on its next start.
    return [
      {
        scenario: `batch ingest (${fmt(BATCH_SIZE)} per request, 8 connections), ${stack.store}`,
        figure: `${fmt(messages / result.seconds)} msg/s accepted (request p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}, ${result.non2xx} non-2xx); peak RSS ${stack.gateway.peakRssMiB()} MiB`,
        command: `BENCH_ONLY=${options.name} npm run bench`,
      },
    ];
  } finally {
    await stack.stop();
  }
}
