import { type Selectable, sql } from 'kysely';
import type { Store } from '../open-store.js';
import type { InteractionsTable } from '../schema.js';

export type InteractionRow = Selectable<InteractionsTable>;

const DAY_MS = 86_400_000;

/** Stores a new interaction (its token is random; a collision is an error, never an overwrite). */
export async function insertInteraction(
  store: Store,
  row: Omit<InteractionRow, 'sms_sent' | 'sms_sent_at' | 'message_id'>,
): Promise<void> {
  await store.db.insertInto('interactions').values(row).execute();
}

/** One of an account's interactions by its token. */
export async function findInteraction(
  store: Store,
  accountId: string,
  token: string,
): Promise<InteractionRow | undefined> {
  return store.db
    .selectFrom('interactions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('token', '=', token)
    .executeTakeFirst();
}

/**
 * Claims a token for an SMS to `callerId` in `campaignId`: one guarded UPDATE that holds only while
 * the token is unexpired, of that campaign, and bound to no caller or to this one (binding it now),
 * so two concurrent sends can never bind it to two callers. False when any of that fails.
 */
export async function claimInteraction(
  store: Store,
  claim: { accountId: string; token: string; campaignId: string; callerId: string; now: number },
): Promise<boolean> {
  const result = await store.db
    .updateTable('interactions')
    .set({ caller_id: claim.callerId })
    .where('account_id', '=', claim.accountId)
    .where('token', '=', claim.token)
    .where('campaign_id', '=', claim.campaignId)
    .where('expires_at', '>', claim.now)
    .where((eb) => eb.or([eb('caller_id', 'is', null), eb('caller_id', '=', claim.callerId)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records that an SMS was sent with the token: `smsSent = true`, first time kept, last message named. */
export async function markSmsSent(
  store: Store,
  accountId: string,
  token: string,
  messageId: string,
  now: number,
): Promise<void> {
  await store.db
    .updateTable('interactions')
    .set((eb) => ({
      sms_sent: 1,
      sms_sent_at: eb.fn.coalesce('sms_sent_at', eb.val(now)),
      message_id: messageId,
    }))
    .where('account_id', '=', accountId)
    .where('token', '=', token)
    .execute();
}

/** One row of the Deflected Call Report: a campaign's interactions on one UTC day. */
export interface DeflectedCallsRow {
  readonly campaignId: string;
  /** Days since the epoch (UTC). */
  readonly day: number;
  readonly calls: number;
  readonly deflected: number;
}

/**
 * An account's interactions per campaign and UTC day of the call, in `[since, until)`: how many,
 * and how many sent an SMS. Integer division gives the day on both databases.
 */
export async function countDeflectedCalls(
  store: Store,
  filter: { accountId: string; since: number; until: number; campaignId?: string | undefined },
): Promise<DeflectedCallsRow[]> {
  const day = sql<number>`created_at / ${sql.lit(DAY_MS)}`;
  let query = store.db
    .selectFrom('interactions')
    .select([
      'campaign_id',
      day.as('day'),
      (eb) => eb.fn.countAll<number>().as('calls'),
      (eb) => eb.fn.sum<number>('sms_sent').as('deflected'),
    ])
    .where('account_id', '=', filter.accountId)
    .where('created_at', '>=', filter.since)
    .where('created_at', '<', filter.until);
  if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
  const rows = await query.groupBy(['campaign_id', day]).orderBy('day').orderBy('campaign_id').execute();
  return rows.map((row) => ({
    campaignId: row.campaign_id,
    day: Number(row.day),
    calls: Number(row.calls),
    deflected: Number(row.deflected),
  }));
}
