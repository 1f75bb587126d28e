import type { MessageStatus } from '../../../core/statuses.js';
import type { Verdict } from '../../../messages/verdicts.js';

/** Statuses that mean the message will not go: seed 000's `accepted: false`, SMSSend's `Status: false`. */
export const REFUSED_STATUSES = [
  'rejected',
  'failed',
  'expired',
  'canceled',
] as const satisfies readonly MessageStatus[];

/** What one message's verdict tells the caller. */
export interface VerdictOutcome {
  /** The upstream took it (`sent`, or a later receipt), or it is still on its way and will go. */
  readonly accepted: boolean;
  /** Still queued or retrying when the wait ended. */
  readonly pending: boolean;
  /** For a refused message, why: its status and the upstream's reason (`rejected: … (ESME_RINVDSTADR)`). */
  readonly reason?: string;
}

/**
 * The outcome of a verdict (`waitForVerdicts`): refused when the message was rejected, failed,
 * expired or canceled; accepted otherwise, pending when the wait ended before a verdict. A receipt
 * saying `undelivered` that happens to arrive within the wait still counts as accepted: the
 * upstream took the message, and the answer must not depend on whether a receipt beat it.
 */
export function verdictOutcome(verdict: Verdict | undefined): VerdictOutcome {
  const status = verdict?.status ?? 'queued';
  if ((REFUSED_STATUSES as readonly string[]).includes(status)) {
    const why = verdict?.detail ?? undefined;
    const code = verdict?.code ?? undefined;
    const reason = why && code ? `${why} (${code})` : (why ?? code);
    return { accepted: false, pending: false, reason: reason ? `${status}: ${reason}` : status };
  }
  return { accepted: true, pending: status === 'queued' || status === 'scheduled' || status === 'sending' };
}
