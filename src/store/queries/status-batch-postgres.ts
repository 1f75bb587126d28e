import { type RawBuilder, sql } from 'kysely';
import { newId } from '../../core/ids.js';
import type { Store } from '../open-store.js';
import { batchCallbackEventsInsert, sendoutCandidates } from './batch-callback-events.js';
import {
  type PendingEvent,
  type PendingEventRow,
  type StatusEventCandidate,
  statusEventsInsert,
  toPendingEvent,
} from './events.js';
import type { AppliedBatch, StatusBatch } from './status-batch.js';

/**
 * A status flush on PostgreSQL as one statement, so one round trip and no BEGIN or COMMIT of its
 * own: as a transaction of six or seven statements, each a round trip, the flush took long enough
 * that receipts, answered only once stored and at most ten unanswered per SMPP bind, bounded the
 * end-to-end rate (docs/performance.md). The same writes as the statement-by-statement path:
 * each message's move guarded by its lifecycle; the history, segments and events of the messages
 * whose move was refused left out; the events in candidate order. Every part of one statement
 * sees the rows as they were before it, so `batch` must come folded (`foldPartUpdates`).
 */
export async function applyStatusBatchInOneStatement(
  store: Store,
  batch: StatusBatch,
): Promise<AppliedBatch> {
  const now = Date.now();
  const { patches, history, newParts, partUpdates, events } = batch;
  const sendouts = sendoutCandidates(events);
  const result = await sql<{
    refused: string[];
    status_events: PendingEventRow[];
    batch_events: PendingEventRow[];
  }>`
    WITH v AS (
      SELECT * FROM unnest(
        ${patches.map((p) => p.id)}::text[], ${patches.map((p) => p.status)}::text[],
        ${patches.map((p) => p.updatedAt)}::bigint[], ${patches.map((p) => p.attempts ?? null)}::integer[],
        ${patches.map((p) => p.nextAttemptAt ?? null)}::bigint[], ${patches.map((p) => p.connector ?? null)}::text[],
        ${patches.map((p) => p.lastCode ?? null)}::text[], ${patches.map((p) => p.lastDetail ?? null)}::text[],
        ${patches.map((p) => p.sentAt ?? null)}::bigint[], ${patches.map((p) => p.finalAt ?? null)}::bigint[],
        ${patches.map((p) => p.allowedFrom)}::text[]
      ) AS v(id, status, updated_at, attempts, next_attempt_at, connector, last_code, last_detail,
             sent_at, final_at, allowed_from)
    ),
    upd AS (
      UPDATE messages SET
        status = v.status,
        updated_at = v.updated_at,
        attempts = COALESCE(v.attempts, messages.attempts),
        next_attempt_at = COALESCE(v.next_attempt_at, messages.next_attempt_at),
        connector = COALESCE(v.connector, messages.connector),
        last_code = COALESCE(v.last_code, messages.last_code),
        last_detail = COALESCE(v.last_detail, messages.last_detail),
        sent_at = COALESCE(v.sent_at, messages.sent_at),
        final_at = COALESCE(v.final_at, messages.final_at)
      FROM v
      WHERE messages.id = v.id AND strpos(v.allowed_from, ',' || messages.status || ',') > 0
      RETURNING messages.id, messages.sent_at
    ),
    refused AS (SELECT id FROM v EXCEPT SELECT id FROM upd),
    history AS (
      INSERT INTO message_history (message_id, status, at, code, detail)
      SELECT h.message_id, h.status, h.at, h.code, h.detail
      FROM unnest(
        ${history.map((h) => h.message_id)}::text[], ${history.map((h) => h.status)}::text[],
        ${history.map((h) => h.at)}::bigint[], ${history.map((h) => h.code ?? null)}::text[],
        ${history.map((h) => h.detail ?? null)}::text[]
      ) WITH ORDINALITY AS h(message_id, status, at, code, detail, ord)
      WHERE h.message_id NOT IN (SELECT id FROM refused)
      ORDER BY h.ord
    ),
    new_parts AS (
      INSERT INTO message_parts (message_id, part_index, connector, upstream_id, status, code, updated_at)
      SELECT p.message_id, p.part_index, p.connector, p.upstream_id, p.status, p.code, p.updated_at
      FROM unnest(
        ${newParts.map((p) => p.message_id)}::text[], ${newParts.map((p) => p.part_index)}::integer[],
        ${newParts.map((p) => p.connector)}::text[], ${newParts.map((p) => p.upstream_id)}::text[],
        ${newParts.map((p) => p.status)}::text[], ${newParts.map((p) => p.code ?? null)}::text[],
        ${newParts.map((p) => p.updated_at)}::bigint[]
      ) AS p(message_id, part_index, connector, upstream_id, status, code, updated_at)
      WHERE p.message_id NOT IN (SELECT id FROM refused)
    ),
    part_updates AS (
      UPDATE message_parts AS p SET status = u.status, code = u.code, updated_at = u.updated_at
      FROM unnest(
        ${partUpdates.map((u) => u.messageId)}::text[], ${partUpdates.map((u) => u.partIndex)}::integer[],
        ${partUpdates.map((u) => u.status)}::text[], ${partUpdates.map((u) => u.code)}::text[],
        ${partUpdates.map((u) => u.updatedAt)}::bigint[]
      ) AS u(message_id, part_index, status, code, updated_at)
      WHERE p.message_id = u.message_id AND p.part_index = u.part_index
        AND u.message_id NOT IN (SELECT id FROM refused)
    ),
    c AS (
      SELECT * FROM ${candidatesWithNewIds(events)} AS c(event_id, message_id, status, code, detail, at, ord)
      WHERE c.message_id NOT IN (SELECT id FROM refused)
    ),
    status_events AS (${statusEventsInsert(sql.raw('c'), now)}),
    s AS (
      SELECT * FROM ${candidatesWithNewIds(sendouts)} AS s(event_id, message_id, status, code, detail, at, ord)
      WHERE s.message_id NOT IN (SELECT id FROM refused)
    ),
    batch_events AS (${batchCallbackEventsInsert(
      sql.raw('s'),
      now,
      // The statement's own update is not visible to its siblings: its sent_at, from upd's RETURNING.
      'COALESCE((SELECT upd.sent_at FROM upd WHERE upd.id = m.id), m.sent_at)',
    )})
    SELECT
      (SELECT COALESCE(json_agg(id), '[]') FROM refused) AS refused,
      (SELECT COALESCE(json_agg(status_events), '[]') FROM status_events) AS status_events,
      (SELECT COALESCE(json_agg(batch_events), '[]') FROM batch_events) AS batch_events`.execute(store.db);
  const row = result.rows[0]!;
  const written: PendingEvent[] = [...row.status_events, ...row.batch_events].map(toPendingEvent);
  return { events: written.sort((a, b) => a.seq - b.seq), refused: new Set(row.refused) };
}

/** Event candidates as a relation, each with a fresh event id, numbered in their order. */
function candidatesWithNewIds(candidates: readonly StatusEventCandidate[]): RawBuilder<unknown> {
  return sql`unnest(
    ${candidates.map(() => newId('evt'))}::text[], ${candidates.map((e) => e.messageId)}::text[],
    ${candidates.map((e) => e.status)}::text[], ${candidates.map((e) => e.code)}::text[],
    ${candidates.map((e) => e.detail)}::text[], ${candidates.map((e) => e.at)}::bigint[]
  ) WITH ORDINALITY`;
}
