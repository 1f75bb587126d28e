import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { lockSqliteFile } from './data-dir-lock.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

export const DIALECT_NAMES = ['sqlite', 'postgres'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/** An open database: the Kysely handle plus what the query files need to know about it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /**
   * The raw SQLite connection (SQLite only). The hot paths write through it with cached prepared
   * statements in synchronous transactions, skipping per-call query building and statement parsing.
   */
  readonly sqlite: SqliteDatabase.Database | undefined;
  /** Human-readable location (file path or URL without password), for logs. */
  readonly location: string;
  /**
   * PostgreSQL only: a connection of its own that LISTENs on this database's change channel
   * (one per schema) and calls `onPayload` for every NOTIFY on it; resolves to its closer.
   */
  readonly listenForChanges:
    | ((onPayload: (payload: string) => void) => Promise<() => Promise<void>>)
    | undefined;
  /** The channel `listenForChanges` hears (PostgreSQL). */
  readonly changeChannel: string | undefined;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `postgres://…`; otherwise SQLite. */
  databaseUrl?: string | undefined;
  /** Directory of the SQLite file `smsgate.db` (ignored for PostgreSQL). */
  dataDir?: string;
  /** Exact SQLite file path (overrides dataDir); `:memory:` works for throwaway stores. */
  sqliteFile?: string;
  /** PostgreSQL schema to use (created if missing); tests use one fresh schema each. */
  postgresSchema?: string;
  sqliteSynchronous?: 'full' | 'normal';
  /** SQLite's page cache in MiB (16 unless given). */
  sqliteCacheMiB?: number;
  /** How much of the SQLite file is memory-mapped, in MiB (0, none, unless given). */
  sqliteMmapMiB?: number;
  /** Size of the PostgreSQL connection pool. */
  poolSize?: number;
  /** Refuse to open a SQLite file another live process has open (the gateway and `migrate` do). */
  exclusive?: boolean;
}

// bigint columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Opens (and creates) the database named by the options. Does not migrate; see `migrateToLatest`. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  if (url)
    throw new Error(`unsupported database URL "${redact(url)}": use postgres://… or omit it for SQLite`);
  return openSqlite(options);
}

function openSqlite(options: OpenStoreOptions): Store {
  const file = options.sqliteFile ?? join(options.dataDir ?? './data', 'smsgate.db');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const lock = options.exclusive && file !== ':memory:' ? lockSqliteFile(file) : undefined;
  let sqlite: SqliteDatabase.Database;
  try {
    sqlite = new SqliteDatabase(file);
  } catch (error) {
    lock?.release();
    throw error;
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  // Only another process (a backup, an operator's sqlite3) can hold a lock on our file. The wait
  // blocks the event loop (better-sqlite3 is synchronous), so it is short: with 5 s every queued
  // write stalled the process for 5 s and nothing answered; with 200 ms sends get 503 at once.
  sqlite.pragma('busy_timeout = 200');
  sqlite.pragma('foreign_keys = ON');
  // The working set of a busy gateway is the recent messages: a modest page cache holds them, and
  // the operating system's page cache the rest. A 64 MiB cache and a 256 MiB map measured no faster
  // and took a million-message queue from 256 to 541 MiB resident (docs/performance.md).
  sqlite.pragma(`cache_size = ${-1024 * (options.sqliteCacheMiB ?? 16)}`);
  sqlite.pragma(`mmap_size = ${1024 * 1024 * (options.sqliteMmapMiB ?? 0)}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    // One process per SQLite file: nobody else to tell.
    listenForChanges: undefined,
    changeChannel: undefined,
    location: file,
    close: async () => {
      await db.destroy();
      lock?.release();
    },
  };
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  const schema = options.postgresSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A server that restarts or drops connections makes pg emit 'error' on idle pooled clients (on
  // the pool) and on clients checked out between two queries (on the client); unhandled, either
  // kills the process. The failed connection is discarded by the pool, and whatever was using it
  // gets the error from its next query (answered as 503 store_unavailable), so ignoring it here is right.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // NOTIFY reaches every session of the database: the schema keeps two smsgates (or tests) apart.
  const changeChannel = `smsgate_changes${schema ? `_${schema}` : ''}`;
  return {
    db,
    dialect: 'postgres',
    sqlite: undefined,
    changeChannel,
    async listenForChanges(onPayload) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === changeChannel && message.payload !== undefined) onPayload(message.payload);
      });
      // A lost listening connection must not crash the gateway; the slow sweeps still run.
      client.on('error', () => {});
      await client.query(`LISTEN ${changeChannel}`);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    location: redact(url) + (schema ? ` (schema ${schema})` : ''),
    close: () => db.destroy(),
  };
}

/** Brings the schema to the newest migration; returns the names of migrations applied now. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema; name ours so another schema's copy
  // (another smsgate, or a parallel test) is never mistaken for it.
  const schema =
    store.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  // The migrator reads the catalogue of every schema in the database; a schema someone else drops
  // during that read (other applications, parallel test runs) fails it with "does not exist". Retry.
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const message = String((error as Error).message ?? error);
    if (attempt < 5 && store.dialect === 'postgres' && /does not exist/.test(message)) {
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      continue;
    }
    throw new Error(`database migration failed: ${message}`, { cause: error });
  }
}

/** A database URL with its password replaced, safe for logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
