/**
 * End-to-end helpers: the gateway and the CLI as real child processes (`node --import tsx
 * src/cli/main.ts …`), configured through the environment exactly as an operator would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TEST_POSTGRES_URL } from '../helpers/databases.js';

/** The repository root (the child processes run from here so `--import tsx` resolves). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CLI_ENTRY = join(REPO_ROOT, 'src', 'cli', 'main.ts');

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A fresh temporary directory; `remove` deletes it with everything inside. */
export function tempDir(label: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `smsgate-e2e-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The parent's environment without any SMSGATE_* variable, so nothing leaks into a child by accident. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('SMSGATE_')) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export interface GatewayProcessOptions {
  /** SMSGATE_DATA_DIR (the SQLite database lives here). */
  dataDir: string;
  /** SMSGATE_ADMIN_KEY; omit (undefined) to start without one. */
  adminKey?: string | undefined;
  /** SMSGATE_DATABASE_URL (PostgreSQL). */
  databaseUrl?: string | undefined;
  /** Written to a JSON file and passed as SMSGATE_CONFIG. */
  config?: Record<string, unknown> | undefined;
  /** SMSGATE_LOG_LEVEL (default info: the tests read the JSON log lines). */
  logLevel?: string | undefined;
  /** SMSGATE_SMPP_PORT (default 0: no SMPP server). */
  smppPort?: number | undefined;
  /** How long to wait for GET /ready (default 30 s). */
  readyTimeoutMs?: number | undefined;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running `smsgate serve` process. */
export class GatewayProcess {
  readonly stdoutLines: string[] = [];
  private stdoutRest = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly options: GatewayProcessOptions,
  ) {
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const text = this.stdoutRest + chunk;
      const lines = text.split('\n');
      this.stdoutRest = lines.pop() ?? '';
      this.stdoutLines.push(...lines);
    });
    child.stderr!.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolveExit) => {
      child.on('exit', (code, signal) => {
        if (this.stdoutRest) this.stdoutLines.push(this.stdoutRest);
        this.stdoutRest = '';
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Everything the process wrote to stdout. */
  get stdout(): string {
    return this.stdoutLines.join('\n') + (this.stdoutRest ? `\n${this.stdoutRest}` : '');
  }

  /** The stdout lines that are JSON log records. */
  logs(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.stdoutLines) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log record
      }
    }
    return out;
  }

  /** Starts `serve` on a free port and waits until GET /ready answers 200. */
  static async start(options: GatewayProcessOptions): Promise<GatewayProcess> {
    const port = await freePort();
    let configFile: string | undefined;
    if (options.config) {
      configFile = join(tmpdir(), `smsgate-e2e-config-${process.pid}-${randomBytes(6).toString('hex')}.json`);
      writeFileSync(configFile, JSON.stringify(options.config));
    }
    const env = cleanEnv({
      SMSGATE_PORT: String(port),
      SMSGATE_SMPP_PORT: String(options.smppPort ?? 0),
      SMSGATE_HOST: '127.0.0.1',
      SMSGATE_DATA_DIR: options.dataDir,
      SMSGATE_ADMIN_KEY: options.adminKey,
      SMSGATE_DATABASE_URL: options.databaseUrl,
      SMSGATE_CONFIG: configFile,
      SMSGATE_LOG_LEVEL: options.logLevel ?? 'info',
    });
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'serve'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    child.on('exit', () => {
      live.delete(child);
      if (configFile) rmSync(configFile, { force: true });
    });
    const gateway = new GatewayProcess(child, port, options);
    try {
      await gateway.waitReady(options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      await gateway.kill('SIGKILL');
      throw error;
    }
    return gateway;
  }

  /** A new process on the same data dir / database and configuration (the previous one must have exited). */
  restart(overrides: Partial<GatewayProcessOptions> = {}): Promise<GatewayProcess> {
    if (!this.exit) throw new Error('restart() while the previous gateway process is still running');
    return GatewayProcess.start({ ...this.options, ...overrides });
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) {
        throw new Error(
          `gateway exited (code ${this.exit.code}, signal ${this.exit.signal}) before it was ready\n` +
            `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        );
      }
      try {
        const response = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(
          `gateway was not ready after ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends a signal and waits for the process to exit (SIGKILL after `timeoutMs` if it has not). */
  async kill(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    if (signal === 'SIGKILL') return this.exited;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`gateway did not exit within ${timeoutMs} ms of ${signal}; killed it`);
    }
    return result;
  }
}

/** Every gateway child still running; `killAll` ends them (for `after` hooks). */
const live = new Set<ChildProcess>();

/** SIGKILLs every gateway process this test file started that is still running, and waits for them. */
export async function killAllGateways(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((r) => {
          if (child.exitCode !== null || child.signalCode !== null) return r();
          child.once('exit', () => r());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `smsgate <args>` to completion with only the given SMSGATE_* variables set. The timeout
 * only catches a command that never ends: a CI machine running many test files at once took
 * over 30 s to compile and run several CLI commands started together.
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 90_000,
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
      cwd: REPO_ROOT,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`smsgate ${args.join(' ')} ran longer than ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh PostgreSQL database `smsgate_e2e_<random>` on the test server; `drop` removes it. */
export async function createPostgresDatabase(): Promise<{
  url: string;
  name: string;
  drop: () => Promise<void>;
}> {
  const name = `smsgate_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A tiny JSON client for the native API of a gateway process. */
export async function api<T = unknown>(
  baseUrl: string,
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
