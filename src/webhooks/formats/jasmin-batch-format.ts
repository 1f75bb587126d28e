import type { PayloadFormat } from './payload-format.js';

/**
 * The callbacks of a Jasmin REST batch (REST API docs, "About callbacks"): a GET of the batch's
 * `callback_url` when a message was sent, of its `errback_url` when it failed, with `batchId`,
 * `to`, `status` (1 or 0) and `statusText` — in that order, as Jasmin's batch task builds them.
 * The event's format is `jasmin-batch:<batchId>`; only the status writer makes such events (for
 * `sent`, or a failure before any upstream took the message), so the status alone tells which.
 */
export const jasminBatchFormat: PayloadFormat = ({ event, message }, context) => {
  if (!message || event.status === null) return null;
  const sent = event.status === 'sent';
  const reason = event.detail ?? event.code ?? event.status;
  const fields = {
    batchId: context.argument,
    // Jasmin repeats the `to` of the message's /send: international digits without the `+`.
    to: message.to.replace(/^\+/, ''),
    status: sent ? '1' : '0',
    // The answer of the HTTP API's /send for a success; for an error Jasmin writes
    // `HTTPAPI error: ` and the answer with its outer quotes stripped (so the last one is gone).
    statusText: sent ? `Success "${message.id}"` : `HTTPAPI error: Error "${reason}`,
  };
  return {
    method: 'GET',
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams(fields).toString(),
  };
};
