import SqliteDatabase from 'better-sqlite3';

/** How a SQLite connection of the gateway is set up; plain data, so a worker thread can receive it. */
export interface SqliteConnectionSettings {
  file: string;
  synchronous: 'full' | 'normal';
  /** The page cache in MiB. */
  cacheMiB: number;
  /** How much of the file is memory-mapped, in MiB. */
  mmapMiB: number;
}

/** Opens `settings.file` with the pragmas every connection of ours uses. */
export function openSqliteConnection(settings: SqliteConnectionSettings): SqliteDatabase.Database {
  const sqlite = new SqliteDatabase(settings.file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${settings.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // Only another process (a backup, an operator's sqlite3) can hold a lock on our file. The wait
    // blocks the thread that runs the statement (better-sqlite3 is synchronous), so it is short:
    // with 5 s every queued write stalled for 5 s and nothing answered; with 200 ms sends get 503 at once.
    sqlite.pragma('busy_timeout = 200');
    sqlite.pragma('foreign_keys = ON');
    // The working set of a busy gateway is the recent messages: a modest page cache holds them, and
    // the operating system's page cache the rest. A 64 MiB cache and a 256 MiB map measured no faster
    // and took a million-message queue from 256 to 541 MiB resident (docs/performance.md).
    sqlite.pragma(`cache_size = ${-1024 * settings.cacheMiB}`);
    sqlite.pragma(`mmap_size = ${1024 * 1024 * settings.mmapMiB}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}

/** Statements by their SQL, so each is parsed once; a bounded map (Kysely's SQL varies little). */
export function cachedStatement(
  cache: Map<string, SqliteDatabase.Statement>,
  sqlite: SqliteDatabase.Database,
  sql: string,
): SqliteDatabase.Statement {
  let statement = cache.get(sql);
  if (!statement) {
    statement = sqlite.prepare(sql);
    if (cache.size >= 500) cache.clear();
    cache.set(sql, statement);
  }
  return statement;
}
