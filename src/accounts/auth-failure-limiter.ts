import { BackpressureError } from '../core/errors.js';

interface Window {
  failures: number;
  startedAt: number;
}

/** How many more failures an address may make in a window than one credential (many credentials tried). */
export const ADDRESS_FAILURE_FACTOR = 10;

/**
 * Slows down guessing without locking out the innocent. Failures are counted per address *and
 * credential* (the API key's public prefix, a user name, an account number): past `maxFailures`
 * within `windowMs`, that credential is refused from that address with 429 (before it is even
 * looked at) until the window ends — so one misconfigured client behind a shared address does
 * not lock out the others, whose credentials are different. An address that fails with many
 * different credentials (`ADDRESS_FAILURE_FACTOR` × `maxFailures` in a window: spraying) is
 * refused whole. Successful authentications do not count; `maxFailures` 0 turns the limit off.
 * Memory is bounded: the oldest windows are forgotten first.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly maxWindows = 100_000,
  ) {}

  /** Throws 429 when this credential (or this address altogether) has failed too often lately. */
  check(address: string, credential = '', now = Date.now()): void {
    if (this.maxFailures === 0) return;
    this.refuseIfOver(`${address}\u0000${credential}`, this.maxFailures, now);
    this.refuseIfOver(address, this.maxFailures * ADDRESS_FAILURE_FACTOR, now);
  }

  /** Counts a failed authentication of `credential` from `address`. */
  failed(address: string, credential = '', now = Date.now()): void {
    if (this.maxFailures === 0) return;
    this.count(`${address}\u0000${credential}`, now);
    this.count(address, now);
  }

  private refuseIfOver(key: string, limit: number, now: number): void {
    const window = this.windows.get(key);
    if (!window) return;
    if (now - window.startedAt >= this.windowMs) {
      this.windows.delete(key);
      return;
    }
    if (window.failures >= limit) {
      const retryAfter = Math.ceil((window.startedAt + this.windowMs - now) / 1000);
      throw new BackpressureError(
        429,
        'too_many_failed_authentications',
        `Too many failed authentications with these credentials from this address; retry in ${retryAfter} s`,
        retryAfter,
      );
    }
  }

  private count(key: string, now: number): void {
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(key);
      this.windows.set(key, { failures: 1, startedAt: now });
      if (this.windows.size > this.maxWindows) this.windows.delete(this.windows.keys().next().value!);
      return;
    }
    window.failures++;
  }
}
