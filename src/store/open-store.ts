import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { lockSqliteFile } from './data-dir-lock.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { openSqliteConnection, type SqliteConnectionSettings } from './sqlite-connection.js';
import { WriterThreadSqliteDialect } from './sqlite-writer/worker-dialect.js';
import { inProcessSqliteWriter, type SqliteWriter } from './sqlite-writer/write-ops.js';
import { SqliteWriterThread } from './sqlite-writer/writer-client.js';

export const DIALECT_NAMES = ['sqlite', 'postgres'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/** An open database: the Kysely handle plus what the query files need to know about it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /**
   * The raw SQLite connection of this thread (SQLite only): the hot reads use it with cached
   * prepared statements, skipping per-call query building and statement parsing.
   */
  readonly sqlite: SqliteDatabase.Database | undefined;
  /**
   * SQLite only: where the hot writes go (accepted batches, status batches, webhook outcomes): this
   * thread's connection, or with `sqliteWriterThread` a thread of its own that owns the one writing
   * connection (sqlite-writer/); then `sqlite` above is used for reads only, and Kysely sends every
   * write and every transaction to that thread too.
   */
  readonly sqliteWriter: SqliteWriter | undefined;
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
  /** SQLite: write on a thread of its own (a file only; `:memory:` cannot be shared). Off unless asked. */
  sqliteWriterThread?: boolean;
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

async function openSqlite(options: OpenStoreOptions): Promise<Store> {
  const file = options.sqliteFile ?? join(options.dataDir ?? './data', 'smsgate.db');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const lock = options.exclusive && file !== ':memory:' ? lockSqliteFile(file) : undefined;
  const settings: SqliteConnectionSettings = {
    file,
    synchronous: options.sqliteSynchronous ?? 'full',
    cacheMiB: options.sqliteCacheMiB ?? 16,
    mmapMiB: options.sqliteMmapMiB ?? 0,
  };
  let sqlite: SqliteDatabase.Database;
  let writerThread: SqliteWriterThread | undefined;
  try {
    sqlite = openSqliteConnection(settings);
    // A file may get a writer thread of its own; `:memory:` is one connection's alone.
    if (file !== ':memory:' && options.sqliteWriterThread === true)
      writerThread = SqliteWriterThread.start(settings);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: writerThread
      ? new WriterThreadSqliteDialect(sqlite, writerThread)
      : new SqliteDialect({ database: sqlite }),
  });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    sqliteWriter: writerThread ?? inProcessSqliteWriter(sqlite),
    // One process per SQLite file: nobody else to tell.
    listenForChanges: undefined,
    changeChannel: undefined,
    location: file,
    close: async () => {
      await db.destroy();
      await writerThread?.close();
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
    sqliteWriter: undefined,
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
