import { type RawBuilder, sql } from 'kysely';
import type { Store } from '../open-store.js';
import { PENDING_COLUMNS, type PendingEvent, toPendingEvent } from './events.js';
import type { Lease } from './message-leases.js';

/**
 * Webhook and inbound events when several nodes share the database: a node delivers only the
 * pending events it holds a lease on. An event is claimable when nobody's lease on it is live and
 * every earlier pending event with its order key (its message, its inbound message) is this
 * node's already or claimed in the same statement (`alsoClaimed`): that keeps per-message order
 * across nodes, at the cost of waiting for the earlier event's node to finish (or its lease to
 * lapse). SQLite has one node: the deliverer does not claim there.
 */
/**
 * Events only some nodes can deliver: those whose URL starts with `prefix` (`smpp:<account>`, sent
 * on an SMPP client's bind) are claimable only by a node whose `here` lists their URL (the client
 * is bound to it).
 */
export interface LocalOnly {
  readonly prefix: string;
  readonly here: readonly string[];
}

function deliverableHere(local: LocalOnly | undefined): RawBuilder<unknown> {
  if (!local) return sql``;
  const pattern = `${local.prefix}%`;
  return local.here.length === 0
    ? sql`AND url NOT LIKE ${pattern}`
    : sql`AND (url NOT LIKE ${pattern} OR url IN (${sql.join(local.here)}))`;
}

function claimable(lease: Lease, now: number, alsoClaimed: RawBuilder<unknown>, local?: LocalOnly) {
  return sql`state = 'pending' ${deliverableHere(local)}
    AND (lease_owner IS NULL OR lease_until < ${now} OR lease_owner = ${lease.owner})
    AND NOT EXISTS (
      SELECT 1 FROM events earlier
      WHERE earlier.order_key = events.order_key AND earlier.seq < events.seq
        AND earlier.state = 'pending'
        AND NOT (earlier.lease_owner = ${lease.owner} AND earlier.lease_until >= ${now})
        AND NOT ((earlier.lease_owner IS NULL OR earlier.lease_until < ${now}) AND ${alsoClaimed})
    )`;
}

/** Claims the given events (just written by this node); returns the seqs it now holds. */
export async function claimEvents(
  store: Store,
  lease: Lease,
  now: number,
  seqs: readonly number[],
  local?: LocalOnly,
): Promise<Set<number>> {
  if (seqs.length === 0) return new Set();
  const result = await sql<{ seq: number | string }>`
    UPDATE events SET lease_owner = ${lease.owner}, lease_until = ${lease.until}
    WHERE seq IN (
      SELECT seq FROM events
      WHERE seq IN (${sql.join(seqs)}) AND ${claimable(lease, now, sql`earlier.seq IN (${sql.join(seqs)})`, local)}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING seq`.execute(store.db);
  return new Set(result.rows.map((row) => Number(row.seq)));
}

/** Claims one account's claimable pending events after `afterSeq`, in delivery order (refill, takeover). */
export async function claimPendingEventsOfAccount(
  store: Store,
  lease: Lease,
  now: number,
  accountId: string,
  afterSeq: number,
  limit: number,
  local?: LocalOnly,
): Promise<PendingEvent[]> {
  const result = await sql<Parameters<typeof toPendingEvent>[0]>`
    UPDATE events SET lease_owner = ${lease.owner}, lease_until = ${lease.until}
    WHERE seq IN (
      SELECT seq FROM events
      WHERE account_id = ${accountId} AND seq > ${afterSeq}
        AND ${claimable(lease, now, sql`earlier.account_id = ${accountId} AND earlier.seq > ${afterSeq}`, local)}
      ORDER BY seq
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING ${sql.raw(PENDING_COLUMNS)}`.execute(store.db);
  return result.rows.map(toPendingEvent).sort((a, b) => a.seq - b.seq);
}

/** The accounts with pending events nobody holds (a node stopped, or an earlier event was in the way). */
export async function accountsWithUnclaimedEvents(store: Store, now: number): Promise<string[]> {
  const result = await sql<{ account_id: string }>`
    SELECT DISTINCT account_id FROM events
    WHERE state = 'pending' AND (lease_owner IS NULL OR lease_until < ${now})`.execute(store.db);
  return result.rows.map((row) => row.account_id);
}

/**
 * Extends every lease this node holds on pending events — except those it can no longer deliver
 * (`local`: the SMPP client they are for is now bound elsewhere): they lapse, for that node.
 */
export async function renewEventLeases(store: Store, lease: Lease, local?: LocalOnly): Promise<void> {
  // Events an outcome write holds are skipped, not waited for (waiting deadlocked with it); the
  // next renewal takes them.
  await sql`UPDATE events SET lease_until = ${lease.until}
    WHERE seq IN (
      SELECT seq FROM events WHERE lease_owner = ${lease.owner} AND state = 'pending' ${deliverableHere(local)}
      FOR UPDATE SKIP LOCKED
    )`.execute(store.db);
}

/** On a clean stop: this node's pending events are free for the others at once. */
export async function releaseEventLeases(store: Store, owner: string): Promise<void> {
  await sql`UPDATE events SET lease_owner = NULL, lease_until = NULL
    WHERE lease_owner = ${owner} AND state = 'pending'`.execute(store.db);
}
