import type SqliteDatabase from 'better-sqlite3';
import { writeAcceptedBatchSqlite } from '../queries/accepted-batch.js';
import { writeEventOutcomesSqlite } from '../queries/events.js';
import { applyStatusBatchSqlite } from '../queries/status-batch.js';
import { sqliteTransaction } from '../sqlite-writes.js';

/**
 * The hot writes, by name: what crosses to the writer thread is the name and plain data (a
 * function cannot be posted), and the thread runs the same code the in-process writer runs.
 */
export const SQLITE_WRITE_OPS = {
  acceptedBatch: writeAcceptedBatchSqlite,
  statusBatch: applyStatusBatchSqlite,
  eventOutcomes: writeEventOutcomesSqlite,
} as const;

type Ops = typeof SQLITE_WRITE_OPS;
export type SqliteWriteOp = keyof Ops;
export type SqliteWriteInput<K extends SqliteWriteOp> = Parameters<Ops[K]>[1];
export type SqliteWriteResult<K extends SqliteWriteOp> = ReturnType<Ops[K]>;

/** Where a SQLite store's hot writes go: each resolves once committed, with the op's result. */
export interface SqliteWriter {
  write<K extends SqliteWriteOp>(op: K, input: SqliteWriteInput<K>): Promise<SqliteWriteResult<K>>;
}

/** Runs `op` on `sqlite` as its own function; the writer thread and the in-process writer share it. */
export function runWriteOp(sqlite: SqliteDatabase.Database, op: SqliteWriteOp, input: unknown): unknown {
  const write = SQLITE_WRITE_OPS[op] as (sqlite: SqliteDatabase.Database, input: unknown) => unknown;
  if (typeof write !== 'function') throw new Error(`unknown SQLite write ${String(op)}`);
  return write(sqlite, input);
}

/**
 * The writer of a store whose connection lives on this thread (`:memory:`, which a second
 * connection cannot open): the same ops, in the shared transaction stream of sqlite-writes.ts.
 */
export function inProcessSqliteWriter(sqlite: SqliteDatabase.Database): SqliteWriter {
  return {
    write: (op, input) =>
      sqliteTransaction(sqlite, () => runWriteOp(sqlite, op, input)) as Promise<SqliteWriteResult<typeof op>>,
  };
}
