/** Cold start: runs bench/cold-start.ts (its own processes) and carries its table into ours. */
import { execFileSync } from 'node:child_process';
import type { Row } from '../lib/table.js';

export function coldStartScenario(options: { name: string }): Row[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/cold-start.ts'], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_RUNS: process.env.BENCH_RUNS ?? '5' },
  });
  const empty = /\| empty[^|]*\| (\d+) ms \| (\d+) ms \| (\d+) ms \|/.exec(out);
  const existing = /\| existing \| (\d+) ms \| (\d+) ms \| (\d+) ms \|/.exec(out);
  if (!empty || !existing) throw new Error(`cold-start printed no table:\n${out}`);
  return [
    {
      scenario: 'cold start to first healthy /health, SQLite',
      figure: `empty database: median ${empty[1]} ms (${empty[2]}–${empty[3]}); existing: median ${existing[1]} ms (${existing[2]}–${existing[3]})`,
      command: `BENCH_ONLY=${options.name} npm run bench   (or npm run bench:cold-start)`,
    },
  ];
}
