import type SqliteDatabase from 'better-sqlite3';
import type { Insertable } from 'kysely';
import type { Store } from '../open-store.js';
import type { MessageHistoryTable, MessagePartsTable } from '../schema.js';
import { type SqliteStatements, sqliteStatements } from '../sqlite-writes.js';
import { sendoutCandidates } from './batch-callback-events.js';
import { candidatesJson, type PendingEvent, type StatusEventCandidate, toPendingEvent } from './events.js';
import { applyStatusBatchInOneStatement } from './status-batch-postgres.js';

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

/** What a flush stored: the events it wrote, and the messages whose transition was refused. */
export interface AppliedBatch {
  events: PendingEvent[];
  /** Messages whose status was not one their change may move from: nothing of theirs was stored. */
  refused: ReadonlySet<string>;
}

/**
 * Applies a batch of status changes in one transaction: each message's move is guarded by the
 * lifecycle (`WHERE status IN (…)`); the history, segment rows and events of the moves that
 * happened follow. On PostgreSQL that is one statement (status-batch-postgres.ts).
 */
export async function applyStatusBatch(store: Store, unfolded: StatusBatch): Promise<AppliedBatch> {
  const now = Date.now();
  const batch = foldPartUpdates(unfolded);
  if (store.sqliteWriter) return store.sqliteWriter.write('statusBatch', { batch, now });
  return applyStatusBatchInOneStatement(store, batch);
}

/**
 * The segment updates of a flush as they are written: an update of a segment inserted in the same
 * flush (its `sent` and its receipt) is folded into the insert, and of several updates of one
 * segment the last is kept, as when they run one after another. PostgreSQL writes a flush as one
 * statement, whose parts cannot see each other's rows, so it needs this; SQLite gets the same.
 */
function foldPartUpdates(batch: StatusBatch): StatusBatch {
  if (batch.partUpdates.length === 0) return batch;
  const key = (messageId: string, index: number) => `${messageId}\u0000${index}`;
  const last = new Map(batch.partUpdates.map((u) => [key(u.messageId, u.partIndex), u]));
  if (last.size === batch.partUpdates.length && batch.newParts.length === 0) return batch;
  const newParts = batch.newParts.map((part) => {
    const update = last.get(key(part.message_id, part.part_index));
    if (!update) return part;
    last.delete(key(part.message_id, part.part_index));
    return { ...part, status: update.status, code: update.code, updated_at: update.updatedAt };
  });
  return { ...batch, newParts, partUpdates: [...last.values()] };
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

/** The SQLite side of applyStatusBatch: run in the writer's transaction (sqlite-writer/). */
export function applyStatusBatchSqlite(
  sqlite: SqliteDatabase.Database,
  { batch, now }: { batch: StatusBatch; now: number },
): AppliedBatch {
  return applyWithStatements(sqliteStatements(sqlite), batch, now);
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
    candidates: candidatesJson(candidates),
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
    candidates: candidatesJson(sendouts),
  }) as Parameters<typeof toPendingEvent>[0][];
  return rows.map(toPendingEvent);
}

/** Events of two statements in one delivery order. */
function mergeBySeq(a: readonly PendingEvent[], b: readonly PendingEvent[]): PendingEvent[] {
  return [...a, ...b].sort((x, y) => x.seq - y.seq);
}
