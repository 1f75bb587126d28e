import type { AcceptedUnit } from '../../src/store/queries/accepted-batch.js';
import { usagePeriod } from '../../src/store/queries/account-usage.js';
import { messageRow } from './message-rows.js';

/** One accepted request of one message, as the accept service hands it to storeAcceptedBatch. */
export function acceptedUnit(
  accountId: string,
  segments: number,
  quota: number | null,
  debitMicros = 0,
): AcceptedUnit & { id: string } {
  // Every column, as the accept path writes it (SQLite's prepared insert names them all).
  const row = messageRow({
    account_id: accountId,
    segments,
    callback_format: null,
    reply_required: null,
    udhi: null,
  });
  return {
    id: row.id as string,
    accountId,
    usage: { period: usagePeriod(Date.now()), segments, quota },
    debitMicros,
    rows: [row],
    requests: [],
    refs: [],
    history: [{ message_id: row.id, status: 'queued', at: Date.now(), code: null, detail: null }],
    idempotency: undefined,
  };
}
