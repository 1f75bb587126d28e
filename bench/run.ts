/**
 * `npm run bench`: every scenario of issue 17, one after another, each in fresh processes (the
 * built gateway, the SMPP simulator `smsgate smsc-sim`, a webhook receiver), then one table.
 * Load: wrk (Debian's package; bench/peer-kannel.sh installs it), 2 threads, BENCH_CONNECTIONS
 * (50) keep-alive connections, BENCH_SECONDS (10) per figure. BENCH_ONLY=name[,name] runs some.
 * SQLite runs in its strict mode (`synchronous: full`: a 202 survives power loss) unless the
 * scenario says `normal`; PostgreSQL (127.0.0.1:5432, trust auth, BENCH_PG_ADMIN_URL) gets a new
 * database per scenario, with `synchronous_commit` on.
 * The Kannel comparison is bench/peer-kannel.sh.
 */
import { fmt, printTable, type Row } from './lib/table.js';
import { batchScenario } from './scenarios/batch.js';
import { coldStartScenario } from './scenarios/cold-start.js';
import { dialectsScenario } from './scenarios/dialects.js';
import { ingestScenario } from './scenarios/ingest.js';
import { rssScenario } from './scenarios/rss.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const queued = Number(process.env.BENCH_RSS_QUEUED ?? 1_000_000);
const base = { seconds, connections };

const scenarios: Record<string, (name: string) => Promise<Row[]> | Row[]> = {
  ingest: (name) => ingestScenario({ ...base, name, callbacks: false, halfPeakLatency: true }),
  'ingest-callback': (name) => ingestScenario({ ...base, name, callbacks: true }),
  'ingest-callback-normal': (name) =>
    ingestScenario({ ...base, name, callbacks: true, synchronous: 'normal' }),
  batch: (name) => batchScenario({ name, seconds }),
  'pg-ingest': (name) => ingestScenario({ ...base, name, callbacks: false, postgres: true }),
  'pg-ingest-callback': (name) => ingestScenario({ ...base, name, callbacks: true, postgres: true }),
  'pg-batch': (name) => batchScenario({ name, seconds, postgres: true }),
  dialects: (name) => dialectsScenario({ ...base, name }),
  rss: (name) => rssScenario({ name, queued }),
  'cold-start': (name) => coldStartScenario({ name }),
};

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  const unknown = only?.filter((name) => !(name in scenarios)) ?? [];
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  const rows: Row[] = [];
  for (const [name, run] of Object.entries(scenarios)) {
    if (only && !only.includes(name)) continue;
    const started = Date.now();
    // A scenario that fails prints its error as its row: the other figures of the run still count.
    const result = await Promise.resolve()
      .then(() => run(name))
      .catch((error: unknown): Row[] => [
        {
          scenario: name,
          figure: `FAILED: ${error instanceof Error ? error.message : String(error)}`,
          command: `BENCH_ONLY=${name} npm run bench`,
        },
      ]);
    for (const row of result) console.log(`${row.scenario}: ${row.figure}\n  reproduce: ${row.command}`);
    console.log(`  (${fmt((Date.now() - started) / 1000)} s)`);
    rows.push(...result);
  }
  console.log('');
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
