/**
 * Before/after: the ingest + callbackUrl scenario on two builds, alternating, in one run, so a
 * change's figure is measured under the same machine load as its baseline.
 * `BENCH_AB_BEFORE=/tmp/before node --import tsx bench/ab.ts` (that dir: bin/, dist/, package.json
 * and node_modules of the baseline commit); BENCH_ROUNDS (3), BENCH_SECONDS (10).
 */
import { measureIngest, startStack } from './lib/smsgate-run.js';
import { fmt } from './lib/table.js';
import { BenchReceiver } from './webhook-receiver.js';

const before = process.env.BENCH_AB_BEFORE;
if (!before) throw new Error('BENCH_AB_BEFORE=<dir of the baseline build> is required');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const synchronous = (process.env.BENCH_SQLITE_SYNCHRONOUS ?? 'full') as 'full' | 'normal';

async function once(dir: string | undefined): Promise<string> {
  if (dir) process.env.BENCH_GATEWAY_DIR = dir;
  else delete process.env.BENCH_GATEWAY_DIR;
  const receiver = await BenchReceiver.start();
  const stack = await startStack({ synchronous });
  try {
    const f = await measureIngest(stack.gateway, { receiver, seconds, connections: 50 });
    return `${fmt(f.wrk.okPerSecond)} accepted/s (p99 ${f.wrk.p99Ms} ms), ${fmt(f.endToEnd)} msg/s end to end, ${fmt(f.cpuUsPerMessage)} µs gateway CPU per message`;
  } finally {
    await stack.stop();
    receiver.close();
  }
}

for (let i = 0; i < rounds; i++) {
  const order: [string, string | undefined][] =
    i % 2 === 0
      ? [
          ['before', before],
          ['after ', undefined],
        ]
      : [
          ['after ', undefined],
          ['before', before],
        ];
  for (const [label, dir] of order) console.log(`round ${i + 1} ${label}: ${await once(dir)}`);
}
