import { sql } from 'kysely';
import { encodeTime } from 'ulidx';
import type { Store } from '../open-store.js';

/** Messages created in one minute, in one status (as they stand now). */
export interface MinuteCount {
  /** Start of the minute, epoch ms. */
  readonly minute: number;
  readonly status: string;
  readonly count: number;
}

/**
 * Messages created since `since`, counted per minute and current status, for one account or all.
 * Message ids are ULIDs (time first), so the range is read through the id index rather than by
 * scanning every message's `created_at`.
 */
export async function messagesPerMinute(
  store: Store,
  since: number,
  accountId: string | undefined,
): Promise<MinuteCount[]> {
  const fromId = `msg_${encodeTime(Math.max(0, since), 10)}`;
  let query = store.db
    .selectFrom('messages')
    .select([
      sql<number>`(created_at / 60000) * 60000`.as('minute'),
      'status',
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('id', '>=', fromId)
    .where('created_at', '>=', since)
    .groupBy([sql`(created_at / 60000) * 60000`, 'status']);
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  const rows = await query.execute();
  return rows.map((r) => ({ minute: Number(r.minute), status: r.status, count: Number(r.n) }));
}

/** Outbox events by delivery state, for the given accounts (undefined: all). */
export async function eventCountsByState(
  store: Store,
  accountIds: readonly string[] | undefined,
): Promise<Record<string, number>> {
  if (accountIds !== undefined && accountIds.length === 0) return {};
  let query = store.db
    .selectFrom('events')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['pending', 'dead'])
    .groupBy('state');
  if (accountIds !== undefined) query = query.where('account_id', 'in', [...accountIds]);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
