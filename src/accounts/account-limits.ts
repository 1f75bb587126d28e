import { BackpressureError, ForbiddenError, GatewayError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { findAccountLimits, findUsage, usagePeriod } from '../store/queries/account-usage.js';
import { findBalance } from '../store/queries/prices.js';
import { MICROS } from './price-list.js';
import { NOTHING_RESERVED, type Reservation, ReservationLedger } from './reservation-ledger.js';

/** An account's sending limits; null means unlimited. */
export interface Limits {
  readonly ratePerSecond: number | null;
  readonly burst: number | null;
  readonly monthlySegmentQuota: number | null;
  readonly allowedSenders: readonly string[] | null;
  /** True when the account pays from a prepaid balance. */
  readonly prepaid: boolean;
}

const CACHE_MS = 5_000;

/**
 * Enforces per-account limits on the accept path: allowed sender ids, a send rate (token bucket of
 * `ratePerSecond`, holding up to `burst` messages), and a monthly segment quota. Checks and
 * reservations happen synchronously once an account's limits and usage are loaded, so concurrent
 * requests on one node cannot overspend; a reservation whose messages are not stored is given back.
 * Quota and balance are cached views: the accept transaction's conditional UPDATEs are the truth
 * across nodes (see store/queries/accepted-batch.ts).
 */
export class AccountLimits {
  private readonly cache = new Map<string, { limits: Limits; loadedAt: number }>();
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();
  /** Segments used per `account|period`. */
  private readonly usage = new ReservationLedger(1);
  /** Prepaid balances as the store has them, with reservations in flight; loaded on first use. */
  private readonly balances = new ReservationLedger(-1);

  constructor(private readonly store: Store) {}

  async limitsOf(accountId: string, now = Date.now()): Promise<Limits> {
    const cached = this.cache.get(accountId);
    if (cached && now - cached.loadedAt < CACHE_MS) return cached.limits;
    const row = await findAccountLimits(this.store, accountId);
    const limits: Limits = {
      ratePerSecond: row?.rate_per_second ?? null,
      burst: row?.rate_burst ?? null,
      monthlySegmentQuota: row?.monthly_segment_quota ?? null,
      allowedSenders: row?.allowed_senders ? (JSON.parse(row.allowed_senders) as string[]) : null,
      prepaid: row?.balance_micros !== null && row?.balance_micros !== undefined,
    };
    this.cache.set(accountId, { limits, loadedAt: now });
    return limits;
  }

  /** Forgets cached limits (after an admin changes them). */
  invalidate(accountId?: string): void {
    if (accountId === undefined) this.cache.clear();
    else this.cache.delete(accountId);
  }

  /** Throws 403 when the account may not send as `sender`. */
  checkSender(limits: Limits, sender: string | null, field: string): void {
    if (limits.allowedSenders === null || sender === null) return;
    if (!limits.allowedSenders.includes(sender)) {
      throw new ForbiddenError(
        `${field} "${sender}" is not one of the sender ids this account may use`,
        'sender_not_allowed',
        field,
      );
    }
  }

  /** Takes `count` messages from the account's rate bucket, or throws 429 with the wait. */
  takeRate(accountId: string, limits: Limits, count: number, now = Date.now()): () => void {
    const rate = limits.ratePerSecond;
    if (rate === null || rate <= 0) return () => {};
    const capacity = Math.max(1, limits.burst ?? Math.ceil(rate));
    const bucket = this.buckets.get(accountId) ?? { tokens: capacity, refilledAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.refilledAt) / 1000) * rate);
    bucket.refilledAt = now;
    this.buckets.set(accountId, bucket);
    if (count > capacity) {
      throw new BackpressureError(
        429,
        'rate_limited',
        `This account may send at most ${capacity} messages at once`,
        1,
      );
    }
    if (bucket.tokens < count) {
      const wait = Math.max(1, Math.ceil((count - bucket.tokens) / rate));
      throw new BackpressureError(
        429,
        'rate_limited',
        `This account's send rate of ${rate}/s is exceeded; retry in ${wait} s`,
        wait,
      );
    }
    bucket.tokens -= count;
    return () => {
      bucket.tokens = Math.min(capacity, bucket.tokens + count);
    };
  }

  /** Reserves `segments` of this month's quota, or throws 403; returns the reservation. */
  async reserveQuota(
    accountId: string,
    limits: Limits,
    segments: number,
    now = Date.now(),
  ): Promise<Reservation> {
    const quota = limits.monthlySegmentQuota;
    if (quota === null) return NOTHING_RESERVED;
    const key = `${accountId}|${usagePeriod(now)}`;
    const load = () => findUsage(this.store, accountId, usagePeriod(now));
    const fits = (used: number, inFlight: number) => used + inFlight + segments <= quota;
    const reservation = await this.usage.take(key, segments, fits, load);
    if (reservation) return reservation;
    throw quotaExceeded(quota, this.usage.committed(key) + this.usage.inFlight(key), segments);
  }

  /** Reserves `costMicros` of a prepaid balance, or throws 402; returns the reservation. */
  async reserveBalance(accountId: string, costMicros: number): Promise<Reservation> {
    const reservation = await this.withdraw(accountId, costMicros);
    if (reservation) return reservation;
    throw balanceInsufficient(
      this.balances.committed(accountId) - this.balances.inFlight(accountId),
      costMicros,
    );
  }

  /**
   * Takes `micros` from the balance as this process sees it (the store's, less what sends in flight
   * have reserved), for a send or a withdrawal; undefined when it does not cover them. The store's
   * own conditional debit stays the judge: this only refuses early what it would refuse too.
   */
  withdraw(accountId: string, micros: number): Promise<Reservation | undefined> {
    const load = async () => (await findBalance(this.store, accountId)) ?? 0;
    const fits = (balance: number, inFlight: number) => balance - inFlight >= micros;
    return this.balances.take(accountId, micros, fits, load);
  }

  /** Applies a top-up or correction the store has already recorded (null: no longer prepaid). */
  adjustBalance(accountId: string, deltaMicros: number | null): void {
    if (deltaMicros === null) this.balances.forget(accountId);
    else this.balances.add(accountId, deltaMicros);
  }

  /**
   * The store refused what memory allowed (another node spent the balance or the quota first):
   * drop this process's view so the next request reads the store's.
   */
  forgetCommitted(accountId: string): void {
    this.balances.forget(accountId);
    this.usage.forgetWhere((key) => key.startsWith(`${accountId}|`));
  }
}

/** 403: the request's segments do not fit in what is left of the monthly quota. */
export function quotaExceeded(quota: number, used: number | undefined, segments: number): ForbiddenError {
  const usedPart = used === undefined ? '' : `${used} used, `;
  return new ForbiddenError(
    `This account's monthly quota of ${quota} segments would be exceeded (${usedPart}${segments} requested)`,
    'quota_exceeded',
  );
}

/** 402: the prepaid balance does not cover the send. */
export function balanceInsufficient(balanceMicros: number | undefined, costMicros: number): GatewayError {
  const balance = balanceMicros === undefined ? '' : ` (${Math.max(0, balanceMicros) / MICROS})`;
  return new GatewayError(
    402,
    'insufficient_balance',
    `The prepaid balance${balance} does not cover this send (${costMicros / MICROS})`,
  );
}
