import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Held by the one process that may use a SQLite file; `release` on stop. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Makes sure only one process uses a SQLite database: an exclusively created `<file>.lock` holding
 * this process's pid and host. A lock left by a process that is gone (killed, crashed) is taken
 * over; one held by a live process stops the start with a message that says which.
 */
export function lockSqliteFile(file: string): DataDirLock {
  const path = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      return {
        path,
        release: () => {
          // Only our own lock: a later process may have taken over a lock we lost.
          if (ownerOf(path)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(path);
      if (owner && owner.host === hostname() && isAlive(owner.pid) && owner.pid !== process.pid) {
        throw new Error(
          `${file} is in use by another smsgate process (pid ${owner.pid}, since ${owner.since}): one process per SQLite database — stop it, or give this one another --data-dir (for several gateways on one database, use PostgreSQL)`,
        );
      }
      // Its process is gone: the lock is stale.
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${file}`);
}

function ownerOf(path: string): { pid: number; host: string; since: string } | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as {
      pid?: unknown;
      host?: unknown;
      since?: unknown;
    };
    return typeof owner.pid === 'number'
      ? { pid: owner.pid, host: String(owner.host ?? ''), since: String(owner.since ?? '?') }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
