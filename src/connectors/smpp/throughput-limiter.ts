/**
 * Paces submissions: a token bucket of `perSecond` (0 = no cap) with one second of burst, plus a
 * pause after the SMSC says ESME_RTHROTTLED that doubles while throttling continues (up to 30 s) and
 * resets after a success.
 */
export class ThroughputLimiter {
  private tokens: number;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  private backoffMs = 0;

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /** True when a submission may start now (and takes its token). */
  tryTake(now = Date.now()): boolean {
    if (now < this.pausedUntil) return false;
    if (this.perSecond <= 0) return true;
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `tryTake` can succeed. */
  waitMs(now = Date.now()): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    if (this.perSecond <= 0 || this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** Whether the limiter is holding submissions back right now. */
  get paused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  throttled(now = Date.now()): void {
    // Answers to submissions sent before the pause began say nothing new: only throttling after a
    // pause has ended makes the next pause longer.
    if (now < this.pausedUntil) return;
    this.backoffMs = Math.min(30_000, this.backoffMs === 0 ? 1000 : this.backoffMs * 2);
    this.pausedUntil = now + this.backoffMs;
  }

  succeeded(): void {
    this.backoffMs = 0;
  }
}
