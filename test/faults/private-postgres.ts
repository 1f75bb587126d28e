/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, its own port and socket
 * directory), so a fault test can stop and start it under load without touching the machine's
 * shared server. Runs as the `postgres` user when the tests run as root (initdb refuses root).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../e2e/gateway-process.js';

const BIN = process.env.SMSGATE_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why a private server cannot be run here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!existsSync(join(BIN, 'initdb'))) return `no initdb in ${BIN} (set SMSGATE_TEST_POSTGRES_BIN)`;
  if (userInfo().uid === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no postgres user to run initdb as';
    }
  }
  return undefined;
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Runs a PostgreSQL program (as postgres when root) without blocking the event loop the simulator shares. */
  private static async run(command: string, args: string[]): Promise<void> {
    const asRoot = userInfo().uid === 0;
    const file = asRoot ? 'runuser' : join(BIN, command);
    const argv = asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args;
    await promisify(execFile)(file, argv, { timeout: 120_000 });
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'smsgate-private-pg-'));
    if (userInfo().uid === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    // --no-sync only speeds up initdb itself; the running server keeps fsync and synchronous_commit on.
    await PrivatePostgres.run('initdb', [
      '-D',
      join(dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    const server = new PrivatePostgres(dir, await freePort());
    await server.start();
    return server;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    await PrivatePostgres.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      'start',
    ]);
  }

  /**
   * Stops the server: `fast` disconnects every client and shuts down cleanly; `immediate` is a
   * crash (no checkpoint; the next start replays the WAL).
   */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await PrivatePostgres.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  /** Stops the server if it runs and deletes its files. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => {
      // not running
    });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
