import { type BackoffPolicy, Circuit } from '../../core/backoff.js';

/** The pause after ESME_RTHROTTLED: 1 s, doubling while throttling continues, at most 30 s. */
export const THROTTLE_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 30_000, jitter: 'none' };

/**
 * Paces submissions: a token bucket of `perSecond` (0 = no cap) with one second of burst, plus a
 * pause after the SMSC says ESME_RTHROTTLED (a circuit of the shared back-off policy: the pause
 * doubles while throttling continues and resets after a success).
 */
export class ThroughputLimiter {
  private tokens: number;
  private refilledAt = Date.now();
  private readonly throttle = new Circuit(THROTTLE_BACKOFF);

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /** True when a submission may start now (and takes its token). */
  tryTake(now = Date.now()): boolean {
    if (this.throttle.state(now) === 'open') return false;
    if (this.perSecond <= 0) return true;
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `tryTake` can succeed. */
  waitMs(now = Date.now()): number {
    if (this.throttle.state(now) === 'open') return this.throttle.openUntil - now;
    if (this.perSecond <= 0 || this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** Whether throttling is in progress: paused now, or since resumed but not yet through again. */
  get throttling(): boolean {
    return this.throttle.trips > 0;
  }

  /** Whether the limiter is holding submissions back right now. */
  get paused(): boolean {
    return this.throttle.state() === 'open';
  }

  /**
   * The SMSC throttled a submission sent at `sentAt`. Answers to submissions sent before the pause
   * began say nothing new: only throttling of a submission sent after it makes the next pause longer.
   */
  throttled(sentAt: number, now = Date.now()): void {
    this.throttle.recordFailure(sentAt, now);
  }

  succeeded(): void {
    this.throttle.recordSuccess();
  }
}
