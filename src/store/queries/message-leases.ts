import { type RawBuilder, sql } from 'kysely';
import type { Store } from '../open-store.js';
import type { MessageRow } from './messages-read.js';

/** Who takes work, and until when the claim holds unless renewed. */
export interface Lease {
  readonly owner: string;
  readonly until: number;
}

/** A row's lease is free: nobody's, lapsed, or already this node's (after its own restart). */
function claimable(lease: Lease, now: number): RawBuilder<unknown> {
  return sql`(lease_owner IS NULL OR lease_until < ${now} OR lease_owner = ${lease.owner})`;
}

/** PostgreSQL locks the rows it claims and skips those another node is claiming; SQLite has one writer. */
function skipLocked(store: Store): RawBuilder<unknown> {
  return store.dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
}

/**
 * Claims queued messages ready to send now, most urgent first, oldest first within a priority,
 * whose lease is free: they become this node's until `lease.until`. What another node is claiming
 * at the same moment is skipped, so two nodes never take the same message.
 */
export async function claimReadyMessages(
  store: Store,
  lease: Lease,
  now: number,
  limit: number,
  after?: { priority: number; id: string },
  /** Connectors whose binds other nodes hold (`connector` null means `defaultConnector`). */
  elsewhere?: { connectors: readonly string[]; defaultConnector: string },
): Promise<MessageRow[]> {
  if (limit <= 0) return [];
  const cursor = after
    ? sql`AND (priority < ${after.priority} OR (priority = ${after.priority} AND id > ${after.id}))`
    : sql``;
  const notHere =
    elsewhere && elsewhere.connectors.length > 0
      ? sql`AND COALESCE(connector, ${elsewhere.defaultConnector}) NOT IN (${sql.join(elsewhere.connectors)})`
      : sql``;
  const result = await sql<MessageRow>`
    UPDATE messages SET lease_owner = ${lease.owner}, lease_until = ${lease.until}
    WHERE id IN (
      SELECT id FROM messages
      WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ${now})
        AND ${claimable(lease, now)} ${cursor} ${notHere}
      ORDER BY priority DESC, id
      LIMIT ${limit}
      ${skipLocked(store)}
    )
    RETURNING *`.execute(store.db);
  return result.rows.sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Claims scheduled or retry-waiting messages due up to `until`; returns their ids and due times. */
export async function claimDueSoon(
  store: Store,
  lease: Lease,
  now: number,
  until: number,
): Promise<{ id: string; due: number }[]> {
  const result = await sql<{ id: string; next_attempt_at: number | string }>`
    UPDATE messages SET lease_owner = ${lease.owner}, lease_until = ${lease.until}
    WHERE id IN (
      SELECT id FROM messages
      WHERE status IN ('queued', 'scheduled') AND next_attempt_at IS NOT NULL
        AND next_attempt_at <= ${until} AND ${claimable(lease, now)}
      ${skipLocked(store)}
    )
    RETURNING id, next_attempt_at`.execute(store.db);
  return result.rows.map((r) => ({ id: r.id, due: Number(r.next_attempt_at) }));
}

/**
 * Claims messages caught mid-submission whose node is gone (lapsed lease) or was this one before a
 * restart: they are submitted again (at least once; the duplicate window is one lease).
 */
export async function claimStaleSending(store: Store, lease: Lease, now: number): Promise<MessageRow[]> {
  const result = await sql<MessageRow>`
    UPDATE messages SET lease_owner = ${lease.owner}, lease_until = ${lease.until}
    WHERE id IN (
      SELECT id FROM messages WHERE status = 'sending' AND ${claimable(lease, now)}
      ${skipLocked(store)}
    )
    RETURNING *`.execute(store.db);
  return result.rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Keeps the messages this node holds its own until `lease.until` (only those: what it left on disk
 * lapses, for any node to take); returns how many were renewed.
 */
export async function renewLeases(store: Store, lease: Lease, ids: readonly string[]): Promise<number> {
  let renewed = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    // SQLite: by primary key. The subquery form below had SQLite scan the whole table for every
    // 500 held messages (`+lease_owner` keeps it off the lease_owner index, which would visit
    // every message this node holds instead): with 50,000 held and 750,000 stored, renewals took
    // the whole core (docs/performance.md, "RSS with a million queued").
    // PostgreSQL: rows a status write holds right now are skipped, not waited for (waiting is how
    // two transactions deadlock); the next renewal, a third of a lease later, takes them.
    const result =
      store.dialect === 'postgres'
        ? await sql`
            UPDATE messages SET lease_until = ${lease.until}
            WHERE id IN (
              SELECT id FROM messages WHERE lease_owner = ${lease.owner} AND id IN (${sql.join(slice)})
              FOR UPDATE SKIP LOCKED
            )`.execute(store.db)
        : await sql`
            UPDATE messages SET lease_until = ${lease.until}
            WHERE id IN (${sql.join(slice)}) AND +lease_owner = ${lease.owner}`.execute(store.db);
    renewed += Number(result.numAffectedRows ?? 0);
  }
  return renewed;
}

/**
 * Gives up every claim this node holds (on a clean stop): what it leaves queued, scheduled or
 * mid-submission is free for the other nodes at once instead of when the lease runs out.
 */
export async function releaseLeases(store: Store, owner: string): Promise<number> {
  const result = await store.db
    .updateTable('messages')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Gives up this node's claims on the given queued or scheduled messages (their connector's binds
 * are on another node, which takes them).
 */
export async function releaseMessageClaims(
  store: Store,
  owner: string,
  ids: readonly string[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await store.db
      .updateTable('messages')
      .set({ lease_owner: null, lease_until: null })
      .where('lease_owner', '=', owner)
      .where('status', 'in', ['queued', 'scheduled'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}
