import { ValidationError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { countDeflectedCalls } from '../store/queries/interactions.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A report spans at most this many days (a year, a leap one included). */
export const MAX_REPORT_DAYS = 366;
/** The days a report covers when it names no start: the last 30, today included. */
const DEFAULT_REPORT_DAYS = 30;

/** One campaign on one day. */
export interface DeflectedCallsDay {
  readonly campaignId: string;
  /** `YYYY-MM-DD`, UTC: the day of the call (the token's issue), not of its SMS. */
  readonly date: string;
  /** Interactions (tokens issued). */
  readonly calls: number;
  /** Of those, the ones that sent the campaign's SMS (`smsSent = true`). */
  readonly deflectedCalls: number;
}

export interface DeflectedCallReport {
  readonly from: string;
  readonly to: string;
  readonly campaignId: string | null;
  /** Days without calls are left out. */
  readonly data: readonly DeflectedCallsDay[];
  readonly totals: { readonly calls: number; readonly deflectedCalls: number };
}

/** A `YYYY-MM-DD` day as days since the epoch; 400 naming `field` when it is not a real date. */
export function parseDay(value: string, field: string): number {
  const match = DATE.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || formatDay(ms / DAY_MS) !== value) {
    throw new ValidationError(`${field} must be a date as YYYY-MM-DD`, field);
  }
  return ms / DAY_MS;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The Deflected Call Report: an account's interactions per campaign and UTC day, from `from` to
 * `to` (both `YYYY-MM-DD`, inclusive; by default the last 30 days), and how many of them were
 * deflected to SMS.
 */
export async function deflectedCallReport(
  store: Store,
  query: {
    accountId: string;
    from?: string | undefined;
    to?: string | undefined;
    campaignId?: string | undefined;
  },
): Promise<DeflectedCallReport> {
  const to = query.to === undefined ? Math.floor(Date.now() / DAY_MS) : parseDay(query.to, 'to');
  const from = query.from === undefined ? to - (DEFAULT_REPORT_DAYS - 1) : parseDay(query.from, 'from');
  if (from > to) throw new ValidationError('from must not be after to', 'from');
  if (to - from + 1 > MAX_REPORT_DAYS) {
    throw new ValidationError(`a report spans at most ${MAX_REPORT_DAYS} days`, 'from');
  }
  const rows = await countDeflectedCalls(store, {
    accountId: query.accountId,
    since: from * DAY_MS,
    until: (to + 1) * DAY_MS,
    campaignId: query.campaignId,
  });
  const data = rows.map((row) => ({
    campaignId: row.campaignId,
    date: formatDay(row.day),
    calls: row.calls,
    deflectedCalls: row.deflected,
  }));
  return {
    from: formatDay(from),
    to: formatDay(to),
    campaignId: query.campaignId ?? null,
    data,
    totals: {
      calls: data.reduce((sum, d) => sum + d.calls, 0),
      deflectedCalls: data.reduce((sum, d) => sum + d.deflectedCalls, 0),
    },
  };
}
