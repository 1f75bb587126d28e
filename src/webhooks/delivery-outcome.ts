import type { WebhookPayload } from './formats/payload-format.js';
import type { WebhookOutcome } from './webhook-request.js';

/**
 * What one attempt's outcome says, and so what happens next:
 * - `delivered`: a 2xx; the event is done.
 * - `receiver_down`: no answer (connection refused or reset, DNS failure, timeout), a 5xx or a 429:
 *   the receiver as a whole is unwell, so the destination backs off and is probed.
 * - `url_wrong`: any other answer (4xx, a 3xx not followed): the receiver is up but refuses this
 *   URL or event; only this event waits (its own back-off), others to the same origin carry on.
 * - `refused`: the address guard refused the URL; it never will succeed, the event is dead at once.
 */
export type DeliveryVerdict = 'delivered' | 'receiver_down' | 'url_wrong' | 'refused';

export function deliveryVerdict(outcome: WebhookOutcome): DeliveryVerdict {
  if (outcome.kind === 'refused') return 'refused';
  if (outcome.kind === 'error') return 'receiver_down';
  const { status } = outcome;
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 500 || status === 429 || status === 408) return 'receiver_down';
  return 'url_wrong';
}

/**
 * `deliveryVerdict`, for a format whose receivers acknowledge in the body (Jasmin's `ACK/Jasmin`):
 * a 2xx without the acknowledgement is a receiver that is up but did not take the event, so only
 * this event backs off and is sent again (`url_wrong`).
 */
export function acknowledgedVerdict(outcome: WebhookOutcome, payload: WebhookPayload): DeliveryVerdict {
  const verdict = deliveryVerdict(outcome);
  if (verdict !== 'delivered' || !payload.acknowledged || outcome.kind !== 'response') return verdict;
  return payload.acknowledged(outcome.detail) ? 'delivered' : 'url_wrong';
}

/** The `lastError` an event shows: the status and the (already bounded, sanitised) excerpt. */
export function describeOutcome(outcome: WebhookOutcome): string {
  return outcome.kind === 'response' ? `HTTP ${outcome.status}: ${outcome.detail}` : outcome.detail;
}
