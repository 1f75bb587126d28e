import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database, JasminBatchesTable } from '../schema.js';
import { chunk } from './chunk.js';
import {
  candidateValues,
  PENDING_COLUMNS,
  type PendingEvent,
  type PendingEventRow,
  type StatusEventCandidate,
  toPendingEvent,
} from './events.js';

/**
 * Statuses that end a batch message's sendout: `sent` (an upstream took it: the callback) and the
 * final ones a message reaches without any upstream having taken it (the errback).
 */
const SENDOUT_STATUSES: ReadonlySet<string> = new Set(['sent', 'rejected', 'failed', 'expired', 'canceled']);

/** The candidates that may report a batch sendout (the others cost no statement at all). */
export function sendoutCandidates(candidates: readonly StatusEventCandidate[]): StatusEventCandidate[] {
  return candidates.filter((c) => SENDOUT_STATUSES.has(c.status));
}

/**
 * The URL and the condition shared by both statements: the callback for `sent`, the errback for
 * a failure of a message that was never sent (one of the two per message, as Jasmin calls one per
 * sendout). The order key is the message's own plus ` batch`, so a batch receiver that is down
 * holds back only its callbacks, not the message's DLRs.
 */
const TARGET = (status: string) => `CASE WHEN ${status} = 'sent' THEN b.callback_url ELSE b.errback_url END`;
/** `sentAt`: the message's sent_at as it is after the flush's own update. */
const WHERE = (status: string, sentAt = 'm.sent_at') =>
  `${TARGET(status)} IS NOT NULL AND (${status} = 'sent' OR ${sentAt} IS NULL)`;

/**
 * SQL (SQLite): the batch callback events of a JSON array of `[eventId, messageId, status, code,
 * detail, at]` in one statement; a message of no batch costs one primary-key probe of message_refs.
 * A function, not a constant: sqlite-writes.ts, which events.ts imports, prepares it, so it is built
 * once every module is loaded.
 */
export const insertBatchCallbackEventsSqlite = (): string => `
  INSERT INTO events (id, account_id, type, message_id, order_key, status, code, detail, at, url, format,
                      state, attempts, next_attempt_at, pending_since, created_at)
  SELECT json_extract(j.value, '$[0]'), m.account_id, 'message.status', m.id, m.id || ' batch',
         json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'),
         json_extract(j.value, '$[5]'), ${TARGET("json_extract(j.value, '$[2]')")}, 'jasmin-batch:' || b.id,
         'pending', 0, @now, @now, @now
  FROM json_each(@candidates) AS j
  JOIN message_refs f ON f.message_id = json_extract(j.value, '$[1]') AND f.name = 'jasminBatch'
  JOIN jasmin_batches b ON b.id = f.value
  JOIN messages m ON m.id = f.message_id
  WHERE ${WHERE("json_extract(j.value, '$[2]')")}
  ORDER BY j.key
  RETURNING ${PENDING_COLUMNS}`;

/**
 * The INSERT of the batch callback events of the candidates in `source` (a relation of event_id,
 * message_id, status, code, detail, at, ord; any dialect), in `ord` order, returning the pending
 * columns. `sentAt`: the message's sent_at as it is once the caller's own update is applied.
 */
export function batchCallbackEventsInsert(
  source: RawBuilder<unknown>,
  now: number,
  sentAt = 'm.sent_at',
): RawBuilder<PendingEventRow> {
  return sql<PendingEventRow>`
    INSERT INTO events (id, account_id, type, message_id, order_key, status, code, detail, at, url, format,
                        state, attempts, next_attempt_at, pending_since, created_at)
    SELECT v.event_id, m.account_id, 'message.status', m.id, m.id || ' batch', v.status, v.code, v.detail,
           v.at, ${sql.raw(TARGET('v.status'))}, 'jasmin-batch:' || b.id,
           'pending', 0, CAST(${now} AS BIGINT), CAST(${now} AS BIGINT), CAST(${now} AS BIGINT)
    FROM ${source} AS v
    JOIN message_refs f ON f.message_id = v.message_id AND f.name = 'jasminBatch'
    JOIN jasmin_batches b ON b.id = f.value
    JOIN messages m ON m.id = f.message_id
    WHERE ${sql.raw(WHERE('v.status', sentAt))}
    ORDER BY v.ord
    RETURNING ${sql.raw(PENDING_COLUMNS)}`;
}

/**
 * Writes the batch callback events of status transitions inside the caller's transaction (any
 * database): for messages of a Jasmin batch with a callback_url or errback_url.
 */
export async function insertBatchCallbackEvents(
  trx: Kysely<Database>,
  candidates: readonly StatusEventCandidate[],
  now: number,
): Promise<PendingEvent[]> {
  const written: PendingEvent[] = [];
  for (const slice of chunk(sendoutCandidates(candidates), 500)) {
    const source = candidateValues(slice);
    const result = await batchCallbackEventsInsert(source, now).execute(trx);
    for (const row of result.rows) written.push(toPendingEvent(row));
  }
  return written;
}

/**
 * Stores a batch's callback URLs before its messages (their own transaction follows): a crash
 * between the two leaves a batch no message names, which reports nothing.
 */
export async function insertJasminBatch(store: Store, batch: JasminBatchesTable): Promise<void> {
  await store.db.insertInto('jasmin_batches').values(batch).execute();
}

/** Removes a batch whose messages were refused (nothing names it). */
export async function deleteJasminBatch(store: Store, id: string): Promise<void> {
  await store.db.deleteFrom('jasmin_batches').where('id', '=', id).execute();
}
