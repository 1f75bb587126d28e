import { backoffDelayMs } from '../core/backoff.js';
import type { FinalStatus } from '../core/statuses.js';

/** What happened to a submission that failed. */
export interface SubmitFailure {
  /** Worth trying again (throttled, timed out, connection lost) or never (an invalid number). */
  readonly retryable: boolean;
  readonly message: string;
}

/** Where the message stands when its submission failed. */
export interface FailedAttempt {
  /** Submissions made, this one included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly expiresAt: number;
  /** The connector that failed it. */
  readonly connector: string;
  /** The route's next connector to try now (failover and weighted routes), if any. */
  readonly alternative: string | undefined;
  /** The connector a retry after the back-off should use (the route's current first choice). */
  readonly retryConnector: string;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly now: number;
}

/** What to do next. */
export type RetryDecision =
  | {
      readonly kind: 'final';
      readonly status: Extract<FinalStatus, 'rejected' | 'failed' | 'expired'>;
      readonly detail: string;
    }
  | { readonly kind: 'retry'; readonly connector: string; readonly due: number; readonly detail: string };

/**
 * The dispatcher's decision after a failed submission, as a pure function (tested by a table in
 * test/queue/retry-decision.test.ts): a permanent refusal is `rejected`; past `maxAttempts`,
 * `failed`; a failover route's next connector is tried at once; otherwise the message waits the
 * shared back-off — unless its validity ends first, then it is `expired`.
 */
export function decideAfterFailure(
  failure: SubmitFailure,
  attempt: FailedAttempt,
  random: () => number = Math.random,
): RetryDecision {
  if (!failure.retryable) return { kind: 'final', status: 'rejected', detail: failure.message };
  if (attempt.attempts >= attempt.maxAttempts) {
    return {
      kind: 'final',
      status: 'failed',
      detail: `gave up after ${attempt.attempts} attempts: ${failure.message}`,
    };
  }
  const failover = attempt.alternative !== undefined;
  const due = failover
    ? attempt.now
    : attempt.now +
      backoffDelayMs({ baseMs: attempt.retryBaseMs, maxMs: attempt.retryMaxMs }, attempt.attempts, random);
  if (due >= attempt.expiresAt) {
    return {
      kind: 'final',
      status: 'expired',
      detail: `validity period ends before the next attempt (last error: ${failure.message})`,
    };
  }
  return failover
    ? {
        kind: 'retry',
        connector: attempt.alternative!,
        due,
        detail: `attempt ${attempt.attempts} via ${attempt.connector} failed, trying ${attempt.alternative}: ${failure.message}`,
      }
    : {
        kind: 'retry',
        connector: attempt.retryConnector,
        due,
        detail: `attempt ${attempt.attempts} failed, retrying: ${failure.message}`,
      };
}
