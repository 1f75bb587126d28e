import { BackpressureError, ForbiddenError, GatewayError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { findAccountLimits, findUsage, usagePeriod } from '../store/queries/account-usage.js';
import { findBalance } from '../store/queries/prices.js';
import { MICROS } from './price-list.js';

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
 * requests cannot overspend; a reservation whose messages are not stored is given back.
 */
export class AccountLimits {
  private readonly cache = new Map<string, { limits: Limits; loadedAt: number }>();
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();
  private readonly usage = new Map<string, number>();
  private readonly loadingUsage = new Map<string, Promise<void>>();
  /** Prepaid balances as the store has them minus reservations in flight, loaded on first use. */
  private readonly balances = new Map<string, number>();

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

  /** Reserves `segments` of this month's quota, or throws 403; returns the give-back. */
  async reserveQuota(
    accountId: string,
    limits: Limits,
    segments: number,
    now = Date.now(),
  ): Promise<() => void> {
    const quota = limits.monthlySegmentQuota;
    if (quota === null) return () => {};
    const key = `${accountId}|${usagePeriod(now)}`;
    if (!this.usage.has(key)) await this.loadUsage(accountId, key, usagePeriod(now));
    const used = this.usage.get(key) ?? 0;
    if (used + segments > quota) {
      throw new ForbiddenError(
        `This account's monthly quota of ${quota} segments would be exceeded (${used} used, ${segments} requested)`,
        'quota_exceeded',
      );
    }
    this.usage.set(key, used + segments);
    return () => this.usage.set(key, (this.usage.get(key) ?? segments) - segments);
  }

  /** Reserves `costMicros` of a prepaid balance, or throws 402; returns the give-back. */
  async reserveBalance(accountId: string, costMicros: number): Promise<() => void> {
    const giveBack = await this.withdraw(accountId, costMicros);
    if (giveBack) return giveBack;
    throw new GatewayError(
      402,
      'insufficient_balance',
      `The prepaid balance (${(this.balances.get(accountId) ?? 0) / MICROS}) does not cover this send (${costMicros / MICROS})`,
    );
  }

  /**
   * Takes `micros` from the balance as this process sees it (the store's, less what sends in flight
   * have reserved), for a send or a withdrawal; undefined when it does not cover them. Returns the
   * give-back for when the store does not record the debit after all.
   */
  async withdraw(accountId: string, micros: number): Promise<(() => void) | undefined> {
    if (!this.balances.has(accountId)) {
      const stored = await findBalance(this.store, accountId);
      if (!this.balances.has(accountId)) this.balances.set(accountId, stored ?? 0);
    }
    const balance = this.balances.get(accountId) ?? 0;
    if (balance < micros) return undefined;
    this.balances.set(accountId, balance - micros);
    return () => this.balances.set(accountId, (this.balances.get(accountId) ?? 0) + micros);
  }

  /** Applies a top-up or correction the store has already recorded. */
  adjustBalance(accountId: string, deltaMicros: number | null): void {
    if (deltaMicros === null) this.balances.delete(accountId);
    else if (this.balances.has(accountId))
      this.balances.set(accountId, (this.balances.get(accountId) ?? 0) + deltaMicros);
  }

  private loadUsage(accountId: string, key: string, period: string): Promise<void> {
    let loading = this.loadingUsage.get(key);
    if (!loading) {
      loading = findUsage(this.store, accountId, period).then((used) => {
        if (!this.usage.has(key)) this.usage.set(key, used);
        this.loadingUsage.delete(key);
      });
      this.loadingUsage.set(key, loading);
    }
    return loading;
  }
}
