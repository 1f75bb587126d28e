import type SqliteDatabase from 'better-sqlite3';

import { insertBatchCallbackEventsSqlite } from './queries/batch-callback-events.js';
import { EVENT_TARGETS_SQLITE, INSERT_STATUS_EVENTS_SQLITE } from './queries/events.js';
import { runInOneTransaction } from './sqlite-one-transaction.js';

type Statement = SqliteDatabase.Statement;

/** Prepared statements of one SQLite connection, compiled once and reused for every write. */
export interface SqliteStatements {
  insertMessage: Statement;
  insertRequest: Statement;
  insertRef: Statement;
  insertHistory: Statement;
  insertPart: Statement;
  updatePart: Statement;
  patchMessage: Statement;
  deleteIdempotency: Statement;
  insertIdempotency: Statement;
  addUsage: Statement;
  addUsageWithin: Statement;
  debitBalance: Statement;
  insertStatusEvents: Statement;
  eventTargets: Statement;
  insertBatchCallbackEvents: Statement;
}

const cache = new WeakMap<SqliteDatabase.Database, SqliteStatements>();

const MESSAGE_COLUMNS = [
  'id',
  'account_id',
  'to_number',
  'sender',
  'sender_kind',
  'body',
  'encoding',
  'segments',
  'status',
  'priority',
  'connector',
  'route',
  'attempts',
  'next_attempt_at',
  'expires_at',
  'schedule_at',
  'callback_url',
  'client_ref',
  'metadata',
  'last_code',
  'last_detail',
  'created_at',
  'updated_at',
  'sent_at',
  'final_at',
  'callback_format',
  'reply_required',
  'request_id',
  'lease_owner',
  'lease_until',
  'udhi',
] as const;

/** The statements for `sqlite`, prepared on first use. */
export function sqliteStatements(sqlite: SqliteDatabase.Database): SqliteStatements {
  let statements = cache.get(sqlite);
  if (!statements) {
    statements = {
      insertMessage: sqlite.prepare(
        `INSERT INTO messages (${MESSAGE_COLUMNS.join(', ')}) VALUES (${MESSAGE_COLUMNS.map((c) => `@${c}`).join(', ')})`,
      ),
      insertRequest: sqlite.prepare(
        'INSERT INTO message_requests (id, account_id, callback_url, callback_format, metadata, created_at) VALUES (@id, @account_id, @callback_url, @callback_format, @metadata, @created_at)',
      ),
      insertRef: sqlite.prepare(
        'INSERT INTO message_refs (message_id, account_id, name, value) VALUES (?, ?, ?, ?)',
      ),
      insertHistory: sqlite.prepare(
        'INSERT INTO message_history (message_id, status, at, code, detail) VALUES (?, ?, ?, ?, ?)',
      ),
      insertPart: sqlite.prepare(
        'INSERT INTO message_parts (message_id, part_index, connector, upstream_id, status, code, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      updatePart: sqlite.prepare(
        'UPDATE message_parts SET status = ?, code = ?, updated_at = ? WHERE message_id = ? AND part_index = ?',
      ),
      patchMessage: sqlite.prepare(`UPDATE messages SET
          status = ?, updated_at = ?,
          attempts = COALESCE(?, attempts), next_attempt_at = COALESCE(?, next_attempt_at),
          connector = COALESCE(?, connector), last_code = COALESCE(?, last_code),
          last_detail = COALESCE(?, last_detail), sent_at = COALESCE(?, sent_at), final_at = COALESCE(?, final_at)
        WHERE id = ? AND instr(?, ',' || status || ',') > 0`),
      deleteIdempotency: sqlite.prepare(
        'DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND created_at < ?',
      ),
      addUsage: sqlite.prepare(
        'INSERT INTO account_usage (account_id, period, segments) VALUES (?, ?, ?) ON CONFLICT (account_id, period) DO UPDATE SET segments = account_usage.segments + excluded.segments',
      ),
      // Usage under a quota and the prepaid debit change nothing (changes = 0) when they would pass
      // the limit: the accept transaction then refuses the unit.
      addUsageWithin: sqlite.prepare(
        'INSERT INTO account_usage (account_id, period, segments) SELECT @account, @period, @segments WHERE @segments <= @quota ON CONFLICT (account_id, period) DO UPDATE SET segments = account_usage.segments + excluded.segments WHERE account_usage.segments + excluded.segments <= @quota',
      ),
      debitBalance: sqlite.prepare(
        'UPDATE accounts SET balance_micros = balance_micros - @debit WHERE id = @account AND balance_micros >= @debit',
      ),
      insertStatusEvents: sqlite.prepare(INSERT_STATUS_EVENTS_SQLITE),
      eventTargets: sqlite.prepare(EVENT_TARGETS_SQLITE).pluck(),
      insertBatchCallbackEvents: sqlite.prepare(insertBatchCallbackEventsSqlite()),
      insertIdempotency: sqlite.prepare(
        'INSERT INTO idempotency_keys (account_id, key, request_hash, status_code, response, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
    };
    cache.set(sqlite, statements);
  }
  return statements;
}

interface PendingWrite {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Writes waiting for the next shared transaction, per connection. */
const pendingWrites = new WeakMap<SqliteDatabase.Database, PendingWrite[]>();

/**
 * Runs `write` in a synchronous SQLite transaction and resolves once it is committed.
 *
 * One transaction stream: the accept batches, the status batches and the webhook outcomes each
 * group their own callers, but would still commit (and, with `synchronous: full`, fsync the WAL)
 * once each per turn of the event loop. Every write asked for in one turn is run in the same
 * transaction instead, so one commit, one fsync, serves all three. Each write is its own savepoint:
 * one that throws is rolled back alone and only its caller gets the error; a failed commit fails
 * them all. Nothing resolves before the commit, so a 2xx still means stored.
 */
export function sqliteTransaction<T>(sqlite: SqliteDatabase.Database, write: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = pendingWrites.get(sqlite);
    if (!queue) {
      queue = [];
      pendingWrites.set(sqlite, queue);
    }
    queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
    // setImmediate: the group committers flush from setImmediate callbacks, so all of this turn's
    // flushes have queued their writes by the time this runs.
    if (queue.length === 1) setImmediate(() => void commitPending(sqlite));
  });
}

async function commitPending(sqlite: SqliteDatabase.Database): Promise<void> {
  // Kysely may hold a transaction open on the same connection across awaits (a cancel, a
  // migration); wait for it to end rather than nest inside it.
  while (sqlite.inTransaction) await new Promise((resolve) => setImmediate(resolve));
  const writes = pendingWrites.get(sqlite)?.splice(0) ?? [];
  if (writes.length === 0) return;
  const outcomes = runInOneTransaction(
    sqlite,
    writes.map((pending) => pending.write),
  );
  writes.forEach((pending, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) pending.resolve(outcome.value);
    else pending.reject(outcome.error);
  });
}
