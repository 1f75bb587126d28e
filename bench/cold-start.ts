/**
 * `npm run bench:cold-start`: how long `smsgate serve` (the built gateway, as `npm start` runs it)
 * takes from launch to its first healthy `/health`, on an empty data directory (migrations and the
 * bootstrap admin included) and again on the database that start created. BENCH_RUNS (default 5).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './gateway-process.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);

async function startAndTime(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, ['bin/smsgate.js', 'serve'], {
    env: {
      ...process.env,
      SMSGATE_DATA_DIR: dataDir,
      SMSGATE_PORT: String(port),
      SMSGATE_SMPP_PORT: '0',
      SMSGATE_LOG_LEVEL: 'warn',
      SMSGATE_ADMIN_KEY: 'sk_benchadmin_abcdefghijklmnopqrstuvwxyz012345',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.ok) return Number(process.hrtime.bigint() - started) / 1e6;
      } catch {
        // Not listening yet.
      }
      if (Number(process.hrtime.bigint() - started) > 30e9) throw new Error('no healthy answer within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const empty: number[] = [];
const existing: number[] = [];
for (let i = 0; i < runs; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'smsgate-cold-'));
  try {
    empty.push(await startAndTime(dataDir));
    existing.push(await startAndTime(dataDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
console.log(`smsgate cold start (node bin/smsgate.js serve → first healthy /health), ${runs} runs`);
console.log('| database | median | min | max |');
console.log('|---|---|---|---|');
for (const [name, list] of [
  ['empty (migrations, bootstrap admin)', empty],
  ['existing', existing],
] as const) {
  console.log(
    `| ${name} | ${median(list).toFixed(0)} ms | ${Math.min(...list).toFixed(0)} ms | ${Math.max(...list).toFixed(0)} ms |`,
  );
}
