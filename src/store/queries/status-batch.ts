import { type Insertable, type Kysely, sql } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database, MessageHistoryTable, MessagePartsTable } from '../schema.js';
import { type SqliteStatements, sqliteStatements, sqliteTransaction } from '../sqlite-writes.js';
import { batchCallbackJson, insertBatchCallbackEvents, sendoutCandidates } from './batch-callback-events.js';
import { chunk } from './chunk.js';
import {
  insertStatusEvents,
  type PendingEvent,
  type StatusEventCandidate,
  statusEventsJson,
  toPendingEvent,
} from './events.js';
import { insertHistory } from './messages-insert.js';

/** New values for one message; `undefined` leaves a column as it is. */
export interface MessagePatch {
  id: string;
  status: string;
  /**
   * The statuses the message must be in for the patch to apply, as `,queued,sending,` (the
   * lifecycle's predecessors, core/statuses.ts); otherwise it is refused and nothing of that
   * message's changes is stored.
   */
  allowedFrom: string;
  updatedAt: number;
  attempts?: number | undefined;
  nextAttemptAt?: number | undefined;
  connector?: string | undefined;
  lastCode?: string | undefined;
  lastDetail?: string | undefined;
  sentAt?: number | undefined;
  finalAt?: number | undefined;
}

export interface PartStatusUpdate {
  messageId: string;
  partIndex: number;
  status: string;
  code: string | null;
  updatedAt: number;
}

/** Everything one flush of the status writer stores, in one transaction. */
export interface StatusBatch {
  patches: readonly MessagePatch[];
  history: readonly Insertable<MessageHistoryTable>[];
  newParts: readonly Insertable<MessagePartsTable>[];
  partUpdates: readonly PartStatusUpdate[];
  /** Transitions applications may be told about (written as events where a webhook URL exists). */
  events: readonly StatusEventCandidate[];
}

const PATCHES_PER_STATEMENT = 500;

/** What a flush stored: the events it wrote, and the messages whose transition was refused. */
export interface AppliedBatch {
  events: PendingEvent[];
  /** Messages whose status was not one their change may move from: nothing of theirs was stored. */
  refused: ReadonlySet<string>;
}

/**
 * Applies a batch of status changes in one transaction: each message's move is guarded by the
 * lifecycle (`WHERE status IN (…)`); the history, segment rows and events of the moves that
 * happened follow (one UPDATE … FROM (VALUES …) per few hundred messages on PostgreSQL).
 */
export async function applyStatusBatch(store: Store, batch: StatusBatch): Promise<AppliedBatch> {
  const now = Date.now();
  if (store.sqlite) {
    const sqlite = store.sqlite;
    const statements = sqliteStatements(sqlite);
    return sqliteTransaction(sqlite, () => applyWithStatements(statements, batch, now));
  }
  return store.db.transaction().execute(async (trx) => {
    const applied = new Set<string>();
    for (const slice of chunk(batch.patches, PATCHES_PER_STATEMENT)) {
      for (const id of await updateMessages(trx, slice)) applied.add(id);
    }
    const refused = new Set(batch.patches.filter((p) => !applied.has(p.id)).map((p) => p.id));
    const kept = refused.size === 0 ? batch : withoutRefused(batch, refused);
    await insertHistory(trx, kept.history);
    for (const slice of chunk(kept.newParts, 1000)) {
      await trx.insertInto('message_parts').values(slice).execute();
    }
    if (kept.partUpdates.length > 0) await updateParts(trx, kept.partUpdates);
    const events = kept.events.length > 0 ? await insertStatusEvents(trx, kept.events, now) : [];
    const batchEvents = kept.events.length > 0 ? await insertBatchCallbackEvents(trx, kept.events, now) : [];
    return { events: mergeBySeq(events, batchEvents), refused };
  });
}

/**
 * The segments' new statuses in one statement (one per receipt was a round trip each). A segment
 * changed twice in one batch keeps its last change, as when the updates ran one by one.
 */
async function updateParts(trx: Kysely<Database>, updates: readonly PartStatusUpdate[]): Promise<void> {
  const last = new Map<string, PartStatusUpdate>();
  for (const u of updates) last.set(`${u.messageId}\u0000${u.partIndex}`, u);
  const parts = [...last.values()];
  await sql`
    UPDATE message_parts AS p SET status = v.status, code = v.code, updated_at = v.updated_at
    FROM unnest(
      ${parts.map((u) => u.messageId)}::text[], ${parts.map((u) => u.partIndex)}::integer[],
      ${parts.map((u) => u.status)}::text[], ${parts.map((u) => u.code)}::text[],
      ${parts.map((u) => u.updatedAt)}::bigint[]
    ) AS v(message_id, part_index, status, code, updated_at)
    WHERE p.message_id = v.message_id AND p.part_index = v.part_index`.execute(trx);
}

/** The batch without anything of the refused messages. */
function withoutRefused(batch: StatusBatch, refused: ReadonlySet<string>): StatusBatch {
  return {
    patches: batch.patches.filter((p) => !refused.has(p.id)),
    history: batch.history.filter((h) => !refused.has(h.message_id)),
    newParts: batch.newParts.filter((p) => !refused.has(p.message_id)),
    partUpdates: batch.partUpdates.filter((u) => !refused.has(u.messageId)),
    events: batch.events.filter((e) => !refused.has(e.messageId)),
  };
}

/** Applies the patches whose guard holds; returns the ids of those that applied. */
async function updateMessages(trx: Kysely<Database>, patches: readonly MessagePatch[]): Promise<string[]> {
  // Casts give PostgreSQL the column types (bare parameters in VALUES would be text); SQLite accepts them too.
  const rows = patches.map(
    (p) =>
      sql`(${p.id}, ${p.status}, CAST(${p.updatedAt} AS BIGINT), CAST(${p.attempts ?? null} AS INTEGER), CAST(${
        p.nextAttemptAt ?? null
      } AS BIGINT), ${p.connector ?? null}, ${p.lastCode ?? null}, ${p.lastDetail ?? null}, CAST(${
        p.sentAt ?? null
      } AS BIGINT), CAST(${p.finalAt ?? null} AS BIGINT), ${p.allowedFrom})`,
  );
  const result = await sql<{ id: string }>`
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
    FROM (
      SELECT column1 AS id, column2 AS status, column3 AS updated_at, column4 AS attempts,
             column5 AS next_attempt_at, column6 AS connector, column7 AS last_code,
             column8 AS last_detail, column9 AS sent_at, column10 AS final_at, column11 AS allowed_from
      FROM (VALUES ${sql.join(rows)}) AS vv
    ) AS v
    WHERE messages.id = v.id AND strpos(v.allowed_from, ',' || messages.status || ',') > 0
    RETURNING messages.id`.execute(trx);
  return result.rows.map((r) => r.id);
}

function applyWithStatements(statements: SqliteStatements, full: StatusBatch, now: number): AppliedBatch {
  const refused = new Set<string>();
  for (const p of full.patches) {
    const result = statements.patchMessage.run(
      p.status,
      p.updatedAt,
      p.attempts ?? null,
      p.nextAttemptAt ?? null,
      p.connector ?? null,
      p.lastCode ?? null,
      p.lastDetail ?? null,
      p.sentAt ?? null,
      p.finalAt ?? null,
      p.id,
      p.allowedFrom,
    );
    if (result.changes === 0) refused.add(p.id);
  }
  const batch = refused.size === 0 ? full : withoutRefused(full, refused);
  for (const h of batch.history) {
    statements.insertHistory.run(h.message_id, h.status, h.at, h.code ?? null, h.detail ?? null);
  }
  for (const part of batch.newParts) {
    statements.insertPart.run(
      part.message_id,
      part.part_index,
      part.connector,
      part.upstream_id,
      part.status,
      part.code ?? null,
      part.updated_at,
    );
  }
  for (const u of batch.partUpdates) {
    statements.updatePart.run(u.status, u.code, u.updatedAt, u.messageId, u.partIndex);
  }
  if (batch.events.length === 0) return { events: [], refused };
  const batchEvents = sqliteBatchCallbackEvents(statements, batch.events, now);
  const targets = statements.eventTargets.all(
    JSON.stringify(batch.events.map((e) => e.messageId)),
  ) as number[];
  if (targets.length === 0) return { events: batchEvents, refused };
  targets.sort((a, b) => a - b);
  const candidates =
    targets.length === batch.events.length ? batch.events : targets.map((i) => batch.events[i]!);
  const rows = statements.insertStatusEvents.all({
    now,
    candidates: statusEventsJson(candidates),
  }) as Parameters<typeof toPendingEvent>[0][];
  return { events: mergeBySeq(rows.map(toPendingEvent), batchEvents), refused };
}

/** The Jasmin batch callbacks of a flush (SQLite); no statement when no transition ends a sendout. */
function sqliteBatchCallbackEvents(
  statements: SqliteStatements,
  events: readonly StatusEventCandidate[],
  now: number,
): PendingEvent[] {
  const sendouts = sendoutCandidates(events);
  if (sendouts.length === 0) return [];
  const rows = statements.insertBatchCallbackEvents.all({
    now,
    candidates: batchCallbackJson(sendouts),
  }) as Parameters<typeof toPendingEvent>[0][];
  return rows.map(toPendingEvent);
}

/** Events of two statements in one delivery order. */
function mergeBySeq(a: readonly PendingEvent[], b: readonly PendingEvent[]): PendingEvent[] {
  return [...a, ...b].sort((x, y) => x.seq - y.seq);
}
