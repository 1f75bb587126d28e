import type { PayloadFormat } from './payload-format.js';

/** Statuses that end the sending process without the carrier taking the message. */
const ERROR_STATUSES = new Set(['rejected', 'failed', 'expired', 'canceled', 'undelivered']);

/**
 * Seed 003's status notification: one form-encoded `deliveryReport` once the sending process has
 * finished — `sent` when the carrier took the message, `error` (with `errorMessage`) when it never
 * did. Later receipts are not reported: the seed's API has no notification for them.
 */
export const accoladesFormat: PayloadFormat = ({ event, message }) => {
  // Once the carrier has the message its `sent` report is the one this API gets; a later failure
  // (even one whose receipt is stamped before the submission was acknowledged) is not reported.
  const sentBefore = message?.sentAt !== null && message?.sentAt !== undefined;
  let fields: Record<string, string>;
  if (event.status === 'sent') {
    fields = { apiName: 'sms', type: 'deliveryReport', status: 'sent', id: message?.clientRef ?? '' };
  } else if (ERROR_STATUSES.has(event.status ?? '') && !sentBefore) {
    fields = {
      apiName: 'sms',
      type: 'deliveryReport',
      status: 'error',
      id: message?.clientRef ?? '',
      errorMessage: event.detail ?? event.code ?? `the message was ${event.status}`,
    };
  } else {
    return null;
  }
  return { contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() };
};
