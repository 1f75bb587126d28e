/**
 * One back-off policy for everything that waits after a failure: dispatcher retries, webhook
 * events and destinations, HTTP provider circuit breakers, SMPP throttling and reconnects.
 */
export interface BackoffPolicy {
  /** The first wait. */
  readonly baseMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
  /**
   * `half` (default): half of the wait is fixed and half random, so retries spread out but never
   * come back sooner than half the back-off. `none`: the exact exponential value.
   */
  readonly jitter?: 'half' | 'none';
}

/**
 * How long to wait after the `failures`-th failure in a row (1 = the first): `baseMs × 2^(failures-1)`,
 * capped at `maxMs`, with the policy's jitter.
 */
export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: () => number = Math.random) {
  // Past 2^40 the cap has long been reached; stop the exponent before it becomes Infinity.
  const exponent = Math.min(40, Math.max(0, failures - 1));
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  if (policy.jitter === 'none') return exponential;
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** What a failure did to a circuit. */
export type FailureEffect =
  /** Counted, but not yet enough failures in a row to open. */
  | 'counted'
  /** Opened the circuit (a new trip: the wait doubled). */
  | 'tripped'
  /** Part of the outage that already opened it (the request began before that trip): no new trip. */
  | 'same-outage';

export type CircuitState = 'closed' | 'open' | 'probing';

/**
 * A circuit breaker counted in trips, not in failures. `tripAfter` failures in a row open it for the
 * policy's back-off; when that ends it is `probing` until the next result: a success closes it, a
 * failure of a request begun after the open period opens it again for twice as long. Failures of
 * requests begun before the open period ended belong to the outage that opened it and change
 * nothing: eight requests in flight when a receiver goes down are one trip, not eight doublings.
 */
export class Circuit {
  private failuresInARow = 0;
  private tripCount = 0;
  private until = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly tripAfter = 1,
    private readonly random: () => number = Math.random,
  ) {}

  /** Trips since the circuit was last closed. */
  get trips(): number {
    return this.tripCount;
  }

  /** When the current open period ends (0 when it never opened or was closed since). */
  get openUntil(): number {
    return this.until;
  }

  state(now = Date.now()): CircuitState {
    if (this.tripCount === 0) return 'closed';
    return now < this.until ? 'open' : 'probing';
  }

  /** A request got an answer that says the other side works. */
  recordSuccess(): void {
    this.failuresInARow = 0;
    this.tripCount = 0;
    this.until = 0;
  }

  /** A request that began at `startedAt` failed at `now` in a way that says the other side is down. */
  recordFailure(startedAt: number, now = Date.now()): FailureEffect {
    if (this.tripCount > 0 && startedAt < this.until) return 'same-outage';
    this.failuresInARow++;
    if (this.tripCount === 0 && this.failuresInARow < this.tripAfter) return 'counted';
    this.tripCount++;
    this.until = now + backoffDelayMs(this.policy, this.tripCount, this.random);
    return 'tripped';
  }
}
