import { isFinalStatus } from '../../core/statuses.js';
import type { ReceiptStat } from '../../smpp/message-state.js';
import type { EventForDelivery } from '../../store/queries/events.js';
import type { PayloadFormat } from './payload-format.js';

/** What the SMPP server turns into one deliver_sm (a receipt or an inbound message). */
export type SmppDelivery =
  | {
      kind: 'receipt';
      messageId: string;
      stat: ReceiptStat;
      err: string;
      /** The handset the message went to (the receipt's source_addr). */
      to: string;
      /** The message's sender (the receipt's destination_addr), empty when it had none. */
      from: string;
      submittedAt: number;
      doneAt: number;
      textStart: string;
    }
  | { kind: 'inbound'; from: string; to: string; text: string };

/** The receipt `stat` of each final status. */
const STAT_OF_STATUS: Readonly<Record<string, ReceiptStat>> = {
  delivered: 'DELIVRD',
  undelivered: 'UNDELIV',
  failed: 'UNDELIV',
  expired: 'EXPIRED',
  rejected: 'REJECTD',
  canceled: 'DELETED',
};

function delivery(record: EventForDelivery, failuresOnly: boolean): SmppDelivery | null {
  const { event, message, inbound } = record;
  if (event.type === 'message.inbound') {
    return inbound && { kind: 'inbound', from: inbound.from, to: inbound.to, text: inbound.text };
  }
  // Only final statuses become receipts; `sent` and the like are the gateway's business.
  const status = event.status ?? '';
  if (!message || !event.message_id || !isFinalStatus(status)) return null;
  if (failuresOnly && status === 'delivered') return null;
  const err = /err:(\w{1,3})/.exec(event.code ?? '')?.[1] ?? (status === 'delivered' ? '000' : '001');
  return {
    kind: 'receipt',
    messageId: event.message_id,
    stat: STAT_OF_STATUS[status] ?? 'UNKNOWN',
    err,
    to: message.to,
    from: message.from ?? '',
    submittedAt: message.createdAt,
    doneAt: event.at,
    textStart: message.textStart,
  };
}

function smppFormatOf(failuresOnly: boolean): PayloadFormat {
  return (record) => {
    const body = delivery(record, failuresOnly);
    return body && { contentType: 'application/json', body: JSON.stringify(body) };
  };
}

/** Receipts for every final status (registered_delivery 1) and inbound messages. */
export const smppFormat = smppFormatOf(false);
/** Receipts for failures only (registered_delivery 2). */
export const smppFailuresFormat = smppFormatOf(true);
