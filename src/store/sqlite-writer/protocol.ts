import SqliteDatabase from 'better-sqlite3';
// Its own small file, not accepted-batch.ts: the writer thread loads this at once, before the
// write code and Kysely under it.
import { LimitRefusal } from '../queries/limit-refusal.js';
import type { SqliteWriteOp } from './write-ops.js';

/** What the main thread asks of the SQLite writer thread. */
export type WriterRequest =
  | { id: number; type: 'write'; op: SqliteWriteOp; input: unknown }
  /** One Kysely statement; `txn` names the Kysely transaction it belongs to (null: none). */
  | { id: number; type: 'query'; sql: string; params: readonly unknown[]; txn: number | null }
  | { id: number; type: 'begin' | 'commit' | 'rollback'; txn: number }
  | { id: number; type: 'close' };

export type WriterReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WireError };

/** A statement's result as Kysely's SQLite driver gives it, with numbers for its bigints. */
export interface QueryReply {
  rows: unknown[];
  changes?: number;
  lastInsertRowid?: number;
}

/** An error as it crosses threads: what callers test (SQLite's code, a LimitRefusal) survives. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  accountId?: string;
  limit?: 'balance' | 'quota';
}

export function toWireError(error: unknown): WireError {
  if (error instanceof LimitRefusal)
    return { name: 'LimitRefusal', message: error.message, accountId: error.accountId, limit: error.limit };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

export function fromWireError(wire: WireError): Error {
  if (wire.name === 'LimitRefusal' && wire.accountId !== undefined && wire.limit !== undefined)
    return new LimitRefusal(wire.accountId, wire.limit);
  if (wire.code !== undefined && wire.name === 'SqliteError')
    return new SqliteDatabase.SqliteError(wire.message, wire.code);
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.code !== undefined) Object.assign(error, { code: wire.code });
  return error;
}
