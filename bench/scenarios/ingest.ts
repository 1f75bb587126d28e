/**
 * Single-message ingest (`POST /v1/messages`, one recipient, 50 keep-alive connections), with and
 * without `callbackUrl`, through the SMPP connector to the simulator; with callbacks, end to end
 * counts each message once its final-status callback has reached the receiver. Without callbacks,
 * the p99 accept latency is also measured at half the peak rate (autocannon, which can hold a rate;
 * wrk cannot).
 */
import autocannon from 'autocannon';
import {
  AUTH,
  measureIngest,
  nativeBody,
  type StackOptions,
  startStack,
  waitForAllFinal,
} from '../lib/smsgate-run.js';
import { fmt, ms, type Row } from '../lib/table.js';
import { BenchReceiver } from '../webhook-receiver.js';

export interface IngestOptions extends StackOptions {
  name: string;
  callbacks: boolean;
  seconds: number;
  connections: number;
  halfPeakLatency?: boolean;
}

export async function ingestScenario(options: IngestOptions): Promise<Row[]> {
  const receiver = options.callbacks ? await BenchReceiver.start() : undefined;
  const stack = await startStack(options);
  const command = `BENCH_ONLY=${options.name} npm run bench`;
  try {
    const figures = await measureIngest(stack.gateway, { ...options, receiver });
    const label = `${options.callbacks ? 'ingest + callbackUrl' : 'ingest'}, ${stack.store}`;
    const rows: Row[] = [
      {
        scenario: label,
        figure:
          `${fmt(figures.wrk.okPerSecond)} accepted/s (p50 ${ms(figures.wrk.p50Ms)}, p99 ${ms(figures.wrk.p99Ms)}, ` +
          `${figures.wrk.non2xx} non-2xx); end to end ${fmt(figures.endToEnd)} msg/s` +
          `${options.callbacks ? ' with final callback delivered' : ' final'} (last ${figures.tail.toFixed(1)} s after load); gateway CPU ${fmt(figures.cpuUsPerMessage)} µs/msg; peak RSS ${stack.gateway.peakRssMiB()} MiB`,
        command,
      },
    ];
    if (options.halfPeakLatency) {
      const rate = Math.round(figures.wrk.okPerSecond / 2);
      const result = await autocannon({
        url: `${stack.gateway.url}/v1/messages`,
        connections: options.connections,
        duration: options.seconds,
        overallRate: rate,
        method: 'POST',
        headers: AUTH,
        requests: [{ setupRequest: withRecipient }],
      });
      await waitForAllFinal(stack.gateway.url, 300_000);
      rows.push({
        scenario: `accept latency at half the peak (${fmt(rate)}/s), ${stack.store}`,
        figure: `p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}, max ${ms(result.latency.max)}; ${fmt(result['2xx'] / options.seconds)} accepted/s`,
        command,
      });
    }
    return rows;
  } finally {
    await stack.stop();
    receiver?.close();
  }
}

let sequence = 0;
function withRecipient(request: Record<string, unknown>) {
  sequence = (sequence + 1) % 10_000;
  return { ...request, body: nativeBody().replace('{N}', String(sequence).padStart(4, '0')) };
}
