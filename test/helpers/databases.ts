import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type DialectName, migrateToLatest, openStore, type Store } from '../../src/store/open-store.js';

/** The PostgreSQL server the tests use: SMSGATE_TEST_DATABASE_URL, else the local one our machines and CI run. */
export const TEST_POSTGRES_URL =
  process.env.SMSGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let postgresReachable: Promise<string | undefined> | undefined;

/** Undefined when PostgreSQL answers; otherwise why not. Checked once per test process. */
export function postgresUnavailableReason(): Promise<string | undefined> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `${(error as Error).message}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresReachable;
}

export interface TestDatabase {
  readonly dialect: DialectName;
  /** Opens a fresh store (new SQLite file / new PostgreSQL schema), migrated unless told not to. */
  open(options?: { migrate?: boolean }): Promise<TestStore>;
}

export interface TestStore extends Store {
  /** Opens another handle on the same database (a restarted gateway). */
  reopen(): Promise<Store>;
  /** Closes and deletes the database. */
  destroy(): Promise<void>;
}

let schemaCounter = 0;

/** SMSGATE_TEST_SQLITE_WRITER_THREAD=1: the SQLite suites with `sqlite.writerThread` on (docs/performance.md). */
const WRITER_THREAD = process.env.SMSGATE_TEST_SQLITE_WRITER_THREAD === '1';

/** SQLite and PostgreSQL, for tests that must pass on both. */
export const TEST_DATABASES: readonly TestDatabase[] = [
  {
    dialect: 'sqlite',
    async open(options = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'smsgate-test-'));
      const file = join(dir, 'smsgate.db');
      const store = await openStore({
        sqliteFile: file,
        sqliteSynchronous: 'normal',
        sqliteWriterThread: WRITER_THREAD,
      });
      if (options.migrate !== false) await migrateToLatest(store);
      return {
        ...store,
        reopen: () =>
          openStore({ sqliteFile: file, sqliteSynchronous: 'normal', sqliteWriterThread: WRITER_THREAD }),
        async destroy() {
          await store.close().catch(() => {});
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    dialect: 'postgres',
    async open(options = {}) {
      const reason = await postgresUnavailableReason();
      if (reason) throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL}: ${reason}`);
      const schema = `t_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}`;
      const store = await openStore({ databaseUrl: TEST_POSTGRES_URL, postgresSchema: schema, poolSize: 5 });
      if (options.migrate !== false) await migrateToLatest(store);
      return {
        ...store,
        reopen: () => openStore({ databaseUrl: TEST_POSTGRES_URL, postgresSchema: schema, poolSize: 5 }),
        async destroy() {
          await store.close().catch(() => {});
          const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
          await client.connect();
          try {
            await client.query(`drop schema if exists ${schema} cascade`);
          } finally {
            await client.end();
          }
        },
      };
    },
  },
];

/**
 * Runs `body` once per database as a `describe` block. When PostgreSQL cannot be reached, its block
 * fails under CI (CI=true) and, elsewhere, is reported as skipped with a loud reason — never a silent pass.
 */
export async function describeEachDatabase(
  title: string,
  body: (db: TestDatabase) => void,
  describe: (name: string, options: { skip?: string | boolean }, fn: () => void) => unknown,
  databases: readonly TestDatabase[] = TEST_DATABASES,
): Promise<void> {
  for (const db of databases) {
    let skip: string | undefined;
    if (db.dialect === 'postgres') {
      const reason = await postgresUnavailableReason();
      if (reason && process.env.CI !== 'true') {
        skip = `PostgreSQL NOT TESTED: no server at ${TEST_POSTGRES_URL} (${reason}); set SMSGATE_TEST_DATABASE_URL`;
        process.stderr.write(`\n*** ${skip} ***\n\n`);
      }
    }
    describe(`${title} [${db.dialect}]`, skip ? { skip } : {}, () => body(db));
  }
}

/**
 * Runs `body` on PostgreSQL only: for what only several nodes on one database can show (SQLite is
 * one process per file). Skipped loudly, or failed under CI, as describeEachDatabase does.
 */
export function describePostgres(
  title: string,
  body: (db: TestDatabase) => void,
  describe: (name: string, options: { skip?: string | boolean }, fn: () => void) => unknown,
): Promise<void> {
  const postgres = TEST_DATABASES.filter((db) => db.dialect === 'postgres');
  return describeEachDatabase(title, body, describe, postgres);
}
