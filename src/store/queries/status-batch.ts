import { type Insertable, type Kysely, sql } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database, MessageHistoryTable, MessagePartsTable } from '../schema.js';
import { type SqliteStatements, sqliteStatements, sqliteTransaction } from '../sqlite-writes.js';
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

/**
 * Applies a batch of status changes in one transaction: one UPDATE … FROM (VALUES …) per few
 * hundred messages instead of one statement each, the history rows and the segment rows.
 */
export async function applyStatusBatch(store: Store, batch: StatusBatch): Promise<PendingEvent[]> {
  const now = Date.now();
  if (store.sqlite) {
    const sqlite = store.sqlite;
    const statements = sqliteStatements(sqlite);
    return sqliteTransaction(sqlite, () => applyWithStatements(statements, batch, now));
  }
  return store.db.transaction().execute(async (trx) => {
    for (const slice of chunk(batch.patches, PATCHES_PER_STATEMENT)) await updateMessages(trx, slice);
    await insertHistory(trx, batch.history);
    for (const slice of chunk(batch.newParts, 1000)) {
      await trx.insertInto('message_parts').values(slice).execute();
    }
    for (const update of batch.partUpdates) {
      await trx
        .updateTable('message_parts')
        .set({ status: update.status, code: update.code, updated_at: update.updatedAt })
        .where('message_id', '=', update.messageId)
        .where('part_index', '=', update.partIndex)
        .execute();
    }
    return batch.events.length > 0 ? insertStatusEvents(trx, batch.events, now) : [];
  });
}

async function updateMessages(trx: Kysely<Database>, patches: readonly MessagePatch[]): Promise<void> {
  // Casts give PostgreSQL the column types (bare parameters in VALUES would be text); SQLite accepts them too.
  const rows = patches.map(
    (p) =>
      sql`(${p.id}, ${p.status}, CAST(${p.updatedAt} AS BIGINT), CAST(${p.attempts ?? null} AS INTEGER), CAST(${
        p.nextAttemptAt ?? null
      } AS BIGINT), ${p.connector ?? null}, ${p.lastCode ?? null}, ${p.lastDetail ?? null}, CAST(${
        p.sentAt ?? null
      } AS BIGINT), CAST(${p.finalAt ?? null} AS BIGINT))`,
  );
  await sql`
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
             column8 AS last_detail, column9 AS sent_at, column10 AS final_at
      FROM (VALUES ${sql.join(rows)}) AS vv
    ) AS v
    WHERE messages.id = v.id`.execute(trx);
}

function applyWithStatements(statements: SqliteStatements, batch: StatusBatch, now: number): PendingEvent[] {
  for (const p of batch.patches) {
    statements.patchMessage.run(
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
    );
  }
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
  if (batch.events.length === 0) return [];
  const targets = statements.eventTargets.all(
    JSON.stringify(batch.events.map((e) => e.messageId)),
  ) as number[];
  if (targets.length === 0) return [];
  targets.sort((a, b) => a - b);
  const candidates =
    targets.length === batch.events.length ? batch.events : targets.map((i) => batch.events[i]!);
  const rows = statements.insertStatusEvents.all({
    now,
    candidates: statusEventsJson(candidates),
  }) as Parameters<typeof toPendingEvent>[0][];
  return rows.map(toPendingEvent).sort((a, b) => a.seq - b.seq);
}
