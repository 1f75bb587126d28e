import { BackpressureError } from '../core/errors.js';

interface Window {
  failures: number;
  startedAt: number;
}

/**
 * Slows down guessing: an address that fails authentication `maxFailures` times within
 * `windowMs` is refused with 429 (before its credentials are even looked at) until the window ends.
 * Successful authentications do not count; `maxFailures` 0 turns the limit off. Memory is bounded:
 * the oldest addresses are forgotten first.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 100_000,
  ) {}

  /** Throws 429 when the address has failed too often lately. */
  check(address: string, now = Date.now()): void {
    if (this.maxFailures === 0) return;
    const window = this.windows.get(address);
    if (!window) return;
    if (now - window.startedAt >= this.windowMs) {
      this.windows.delete(address);
      return;
    }
    if (window.failures >= this.maxFailures) {
      const retryAfter = Math.ceil((window.startedAt + this.windowMs - now) / 1000);
      throw new BackpressureError(
        429,
        'too_many_failed_authentications',
        `Too many failed authentications from this address; retry in ${retryAfter} s`,
        retryAfter,
      );
    }
  }

  /** Counts a failed authentication from the address. */
  failed(address: string, now = Date.now()): void {
    const window = this.windows.get(address);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(address);
      this.windows.set(address, { failures: 1, startedAt: now });
      if (this.windows.size > this.maxAddresses) this.windows.delete(this.windows.keys().next().value!);
      return;
    }
    window.failures++;
  }
}
