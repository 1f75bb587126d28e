import type { Store } from '../open-store.js';

/** The calendar month (UTC) a time falls in, as `YYYY-MM`: the period quotas count in. */
export function usagePeriod(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** Segments an account has had accepted in a period. */
export async function findUsage(store: Store, accountId: string, period: string): Promise<number> {
  const row = await store.db
    .selectFrom('account_usage')
    .select('segments')
    .where('account_id', '=', accountId)
    .where('period', '=', period)
    .executeTakeFirst();
  return Number(row?.segments ?? 0);
}

/** Limits as stored on the account row. */
export async function findAccountLimits(
  store: Store,
  accountId: string,
): Promise<
  | {
      rate_per_second: number | null;
      rate_burst: number | null;
      monthly_segment_quota: number | null;
      allowed_senders: string | null;
      balance_micros: number | null;
    }
  | undefined
> {
  return store.db
    .selectFrom('accounts')
    .select(['rate_per_second', 'rate_burst', 'monthly_segment_quota', 'allowed_senders', 'balance_micros'])
    .where('id', '=', accountId)
    .executeTakeFirst();
}

export async function updateAccountLimits(
  store: Store,
  accountId: string,
  limits: {
    rate_per_second?: number | null;
    rate_burst?: number | null;
    monthly_segment_quota?: number | null;
    allowed_senders?: string | null;
  },
): Promise<void> {
  await store.db.updateTable('accounts').set(limits).where('id', '=', accountId).execute();
}
