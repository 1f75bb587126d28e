/** Kannel's DLR types (`dlr-mask` bits, the `%d` of a dlr-url). */
export const KANNEL_DLR = {
  delivered: 1,
  undelivered: 2,
  buffered: 4,
  smscAccepted: 8,
  smscRejected: 16,
} as const;

/** Final statuses that mean the message never reached the handset. */
const FAILURES = new Set(['undelivered', 'expired', 'rejected', 'failed', 'canceled']);

/**
 * The Kannel DLR type of a status event, as Kannel maps an SMSC's states: delivered → 1;
 * undelivered, expired, rejected or failed once the SMSC had it → 2; queued again for a retry
 * (held by the gateway, Kannel's "buffered") → 4; sent (the SMSC accepted it) → 8; refused,
 * failed or canceled before any SMSC accepted it → 16. Undefined for events Kannel has no DLR
 * for.
 */
export function kannelDlrType(status: string | null, sentBefore: boolean): number | undefined {
  if (status === 'delivered') return KANNEL_DLR.delivered;
  if (status === 'sent') return KANNEL_DLR.smscAccepted;
  if (status === 'queued') return KANNEL_DLR.buffered;
  if (status !== null && FAILURES.has(status)) {
    return sentBefore ? KANNEL_DLR.undelivered : KANNEL_DLR.smscRejected;
  }
  return undefined;
}
