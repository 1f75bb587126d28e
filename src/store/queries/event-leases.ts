import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database } from '../schema.js';
import { PENDING_COLUMNS, type PendingEvent, toPendingEvent } from './events.js';
import type { Lease } from './message-leases.js';

/**
 * Webhook and inbound events when several nodes share the database: a node delivers only the
 * pending events it holds a lease on. An event is claimable when nobody's lease on it is live and
 * every earlier pending event with its order key (its message, its inbound message) is this
 * node's already or claimed in the same transaction (`claimInOrder`): that keeps per-message order
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

/** Nobody's lease is live, or it is this node's. */
function freeOrOurs(lease: Lease, now: number): RawBuilder<unknown> {
  return sql`(lease_owner IS NULL OR lease_until < ${now} OR lease_owner = ${lease.owner})`;
}

interface Candidate {
  seq: number;
  orderKey: string;
  /** Already this node's, with a live lease (read, not locked: a renewal may hold its row). */
  ours: boolean;
}

/**
 * Of `candidates`, those this node may deliver now without breaking per-message order, and
 * leases the free ones among them. A free candidate is taken only if its row could be locked
 * (`SKIP LOCKED`: another node, or this node's own outcome write, may hold it). Then, per order
 * key in seq order, a candidate is taken only while every earlier pending event of its key is
 * this node's already or taken here: the first one that is neither (another node's, free but
 * not a candidate, or a candidate whose row was locked) stops its key, and whatever follows it
 * waits for the sweep. One statement used to do this with `NOT EXISTS`; it assumed an earlier
 * candidate would be claimed in the same statement, so when `SKIP LOCKED` skipped a message's
 * `sent` event, its `delivered` was claimed and delivered first (seen in a PostgreSQL restart).
 */
async function claimInOrder(
  trx: Transaction<Database>,
  lease: Lease,
  now: number,
  candidates: readonly Candidate[],
): Promise<number[]> {
  if (candidates.length === 0) return [];
  const free = candidates.filter((c) => !c.ours).map((c) => c.seq);
  const locked = new Set<number>();
  if (free.length > 0) {
    const rows = await sql<{ seq: number | string }>`
      SELECT seq FROM events
      WHERE seq IN (${sql.join(free)}) AND state = 'pending' AND ${freeOrOurs(lease, now)}
      FOR UPDATE SKIP LOCKED`.execute(trx);
    for (const row of rows.rows) locked.add(Number(row.seq));
  }
  const keys = [...new Set(candidates.map((c) => c.orderKey))];
  const last = Math.max(...candidates.map((c) => c.seq));
  // Every pending event of those keys that is not this node's (a live lease) up to the last candidate.
  const notOurs = await sql<{ seq: number | string; order_key: string }>`
    SELECT seq, order_key FROM events
    WHERE order_key IN (${sql.join(keys)}) AND state = 'pending' AND seq <= ${last}
      AND (lease_owner IS DISTINCT FROM ${lease.owner} OR lease_until < ${now})`.execute(trx);
  const bySeq = new Map(candidates.map((c) => [c.seq, c]));
  const chains = new Map<string, number[]>();
  for (const c of candidates) {
    const chain = chains.get(c.orderKey);
    if (chain) chain.push(c.seq);
    else chains.set(c.orderKey, [c.seq]);
  }
  for (const row of notOurs.rows) {
    const seq = Number(row.seq);
    if (!bySeq.has(seq)) chains.get(row.order_key)?.push(seq);
  }
  const taken: number[] = [];
  for (const chain of chains.values()) {
    for (const seq of chain.sort((a, b) => a - b)) {
      const candidate = bySeq.get(seq);
      if (!candidate || (!candidate.ours && !locked.has(seq))) break;
      taken.push(seq);
    }
  }
  const toLease = taken.filter((seq) => !bySeq.get(seq)!.ours);
  if (toLease.length > 0) {
    await sql`UPDATE events SET lease_owner = ${lease.owner}, lease_until = ${lease.until}
      WHERE seq IN (${sql.join(toLease)})`.execute(trx);
  }
  return taken.sort((a, b) => a - b);
}

/**
 * The pending events `where` selects that this node could hold (deliverable here, nobody else's
 * live lease), in seq order, each marked whether it is this node's already.
 */
async function readCandidates(
  trx: Transaction<Database>,
  lease: Lease,
  now: number,
  where: RawBuilder<unknown>,
  local: LocalOnly | undefined,
  limit?: number,
): Promise<Candidate[]> {
  const rows = await sql<{ seq: number | string; order_key: string; ours: boolean | null }>`
    SELECT seq, order_key, (lease_owner IS NOT DISTINCT FROM ${lease.owner} AND lease_until >= ${now}) AS ours
    FROM events
    WHERE ${where} AND state = 'pending' ${deliverableHere(local)} AND ${freeOrOurs(lease, now)}
    ORDER BY seq
    ${limit === undefined ? sql`` : sql`LIMIT ${limit}`}`.execute(trx);
  return rows.rows.map((r) => ({ seq: Number(r.seq), orderKey: r.order_key, ours: r.ours === true }));
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
  return store.db.transaction().execute(async (trx) => {
    const candidates = await readCandidates(trx, lease, now, sql`seq IN (${sql.join(seqs)})`, local);
    return new Set(await claimInOrder(trx, lease, now, candidates));
  });
}

/** One page of a refill: the events taken, and where the next page starts. */
export interface ClaimedPage {
  events: PendingEvent[];
  /** The candidates filled the page: more may follow `lastSeq`. */
  full: boolean;
  /** The last seq looked at (the next page's `afterSeq`). */
  lastSeq: number;
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
): Promise<ClaimedPage> {
  return store.db.transaction().execute(async (trx) => {
    const candidates = await readCandidates(
      trx,
      lease,
      now,
      sql`account_id = ${accountId} AND seq > ${afterSeq}`,
      local,
      limit,
    );
    const taken = await claimInOrder(trx, lease, now, candidates);
    const events =
      taken.length === 0
        ? []
        : (
            await sql<Parameters<typeof toPendingEvent>[0]>`
              SELECT ${sql.raw(PENDING_COLUMNS)} FROM events WHERE seq IN (${sql.join(taken)}) ORDER BY seq`.execute(
              trx,
            )
          ).rows.map(toPendingEvent);
    return {
      events,
      full: candidates.length >= limit,
      lastSeq: candidates.length > 0 ? candidates[candidates.length - 1]!.seq : afterSeq,
    };
  });
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
