import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_ADMIN_KEY = 'sk_benchadmin_abcdefghijklmnopqrstuvwxyz012345';

export interface RunningGateway {
  url: string;
  process: ChildProcess;
  dataDir: string;
  /** Peak resident set size so far, in MiB (Linux VmHWM). */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts the built gateway (`dist/`) as its own process with a fresh data dir and the given config. */
export async function startGateway(
  config: Record<string, unknown>,
  env: Record<string, string> = {},
  /** `/ready` waits for the upstream binds; a run whose upstream is down on purpose waits for `/health`. */
  readyPath: '/ready' | '/health' = '/ready',
): Promise<RunningGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'smsgate-bench-'));
  const configFile = join(dataDir, 'config.json');
  // BENCH_SQLITE_WRITER_THREAD=1: the same scenario with `sqlite.writerThread` on.
  const sqlite = { ...((config.sqlite as Record<string, unknown> | undefined) ?? {}) };
  if (process.env.BENCH_SQLITE_WRITER_THREAD === '1') sqlite.writerThread = true;
  writeFileSync(configFile, JSON.stringify({ ...config, sqlite }));
  const port = await freePort();
  // BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway process.
  const nodeArgs = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // BENCH_GATEWAY_DIR=/path/to/another/build runs that gateway instead (bin/ and dist/ there),
  // for before/after comparisons of two commits in one run.
  const child = spawn(process.execPath, [...nodeArgs, 'bin/smsgate.js', 'serve'], {
    cwd: process.env.BENCH_GATEWAY_DIR ?? process.cwd(),
    env: {
      ...process.env,
      SMSGATE_PORT: String(port),
      SMSGATE_SMPP_PORT: '0',
      SMSGATE_DATA_DIR: dataDir,
      SMSGATE_CONFIG: configFile,
      SMSGATE_ADMIN_KEY: BENCH_ADMIN_KEY,
      SMSGATE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}${readyPath}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`gateway did not answer ${readyPath} with 2xx within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    dataDir,
    peakRssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function stats(
  url: string,
): Promise<{ messages: Record<string, number>; queue: { unsent: number } }> {
  const response = await fetch(`${url}/v1/stats`, {
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` },
  });
  return (await response.json()) as { messages: Record<string, number>; queue: { unsent: number } };
}
