import type SqliteDatabase from 'better-sqlite3';

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Runs `writes` in one IMMEDIATE transaction, one commit (and fsync) for all, each write its own
 * savepoint: one that throws is rolled back alone and only its outcome is the error; a failed
 * commit is every write's outcome. Used by the in-process group commit (sqlite-writes.ts) and by the SQLite writer thread.
 */
export function runInOneTransaction(
  sqlite: SqliteDatabase.Database,
  writes: readonly (() => unknown)[],
): WriteOutcome[] {
  if (writes.length === 1) {
    try {
      return [{ ok: true, value: sqlite.transaction(writes[0]!).immediate() }];
    } catch (error) {
      return [{ ok: false, error }];
    }
  }
  const outcomes: WriteOutcome[] = [];
  try {
    sqlite
      .transaction(() => {
        for (const write of writes) {
          try {
            // A transaction function called inside a transaction runs as a savepoint.
            outcomes.push({ ok: true, value: sqlite.transaction(write)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })
      .immediate();
  } catch (error) {
    return writes.map(() => ({ ok: false, error }));
  }
  return outcomes;
}
