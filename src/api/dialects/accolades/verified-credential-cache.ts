import { createHmac, randomBytes } from 'node:crypto';

/** How long a verified pair is remembered, and how many are at most. */
export interface VerifiedCredentialCacheOptions {
  /** 0 turns the cache off: every check runs. */
  readonly ttlMs: number;
  readonly maxEntries: number;
}

/** What the cache did, for the bench and the tests (never the secrets). */
export interface VerifiedCredentialCacheStats {
  /** Checks answered from memory. */
  readonly hits: number;
  /** Checks that ran (or joined a concurrent run of the same pair). */
  readonly misses: number;
  readonly entries: number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Remembers, for `ttlMs`, what a successful check of an (identifier, secret) pair returned, so the
 * check — a store read and a slow hash (scrypt, because people choose these secrets) — runs once
 * per pair and period instead of once per request. What keeps it safe:
 * - Only successes are remembered, never failures: a wrong secret, or any secret for an identifier
 *   that does not exist, runs the whole check every time, so the cache makes nothing faster for a
 *   guesser, and an unknown identifier costs what a wrong secret costs.
 * - Entries are found by an HMAC of the identifier and the secret under a key drawn at start and
 *   never stored or shown; the secret itself is not kept.
 * - `clear()` forgets everything at once; the gateway calls it whenever a credential or API key is
 *   revoked or an account disabled (`Authenticator.onInvalidate`). A check that was running when
 *   the cache was cleared is not remembered (it may have read the store before the change).
 * - Other nodes sharing the database are not told: there a revoked credential keeps working for at
 *   most `ttlMs` (5 s by default), as cached API keys do.
 * - Bounded: at most `maxEntries`; the oldest (hence first to expire) go first.
 */
export class VerifiedCredentialCache<T> {
  private readonly key = randomBytes(32);
  /** Insertion order is expiry order (one TTL for all). */
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private generation = 0;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly options: VerifiedCredentialCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** `check()`'s answer for this pair: remembered, or run now (its failures propagate, unremembered). */
  async verify(identifier: string, secret: string, check: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs === 0) {
      this.misses++;
      return check();
    }
    const entryKey = this.entryKey(identifier, secret);
    const entry = this.entries.get(entryKey);
    if (entry !== undefined && entry.expiresAt > this.now()) {
      this.hits++;
      return entry.value;
    }
    this.misses++;
    // Concurrent first requests of one pair (a client opening 50 connections) share one check.
    const running = this.inFlight.get(entryKey);
    if (running) return running;
    const generation = this.generation;
    const pending = check()
      .then((value) => {
        if (generation === this.generation) this.remember(entryKey, value);
        return value;
      })
      .finally(() => {
        if (this.inFlight.get(entryKey) === pending) this.inFlight.delete(entryKey);
      });
    this.inFlight.set(entryKey, pending);
    return pending;
  }

  /** Forgets every verified pair, and every check running now. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.inFlight.clear();
  }

  stats(): VerifiedCredentialCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }

  private entryKey(identifier: string, secret: string): string {
    // The identifier's length first, so no two pairs run together into the same input.
    return createHmac('sha256', this.key)
      .update(`${Buffer.byteLength(identifier)}:${identifier}`)
      .update(secret)
      .digest('base64');
  }

  private remember(entryKey: string, value: T): void {
    const now = this.now();
    this.entries.delete(entryKey);
    for (const [oldest, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.set(entryKey, { value, expiresAt: now + this.options.ttlMs });
  }
}
