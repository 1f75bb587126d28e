import { FINAL_STATUSES } from '../../core/statuses.js';
import type { PayloadFormat } from './payload-format.js';

/** Statuses reported once the upstream has the message: their payload shows when it was sent. */
const AFTER_SENT = new Set(['sent', 'delivered', 'undelivered', 'expired', 'rejected']);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** smsgate's own JSON payload (docs/webhooks.md). */
export const nativeFormat: PayloadFormat = ({ event, message, inbound }) => {
  const envelope = { id: event.id, type: event.type, createdAt: iso(event.created_at) };
  if (event.type === 'message.inbound') {
    return json({
      ...envelope,
      data: inbound && {
        inboundId: inbound.id,
        from: inbound.from,
        to: inbound.to,
        text: inbound.text,
        connector: inbound.connector,
        receivedAt: iso(inbound.receivedAt),
        inReplyTo: inbound.messageId,
        inReplyToClientRef: inbound.clientRef,
        keyword: inbound.keyword,
      },
    });
  }
  return json({
    ...envelope,
    data: {
      messageId: event.message_id,
      clientRef: message?.clientRef ?? null,
      to: message?.to ?? null,
      from: message?.from ?? null,
      status: event.status,
      final: (FINAL_STATUSES as readonly string[]).includes(event.status ?? ''),
      code: event.code,
      detail: event.detail,
      segments: message?.segments ?? null,
      metadata: message?.metadata ? (JSON.parse(message.metadata) as unknown) : null,
      timestamps: {
        createdAt: iso(message?.createdAt ?? null),
        sentAt: AFTER_SENT.has(event.status ?? '') ? iso(message?.sentAt ?? null) : null,
        at: iso(event.at),
      },
    },
  });
};

function json(value: unknown) {
  return { contentType: 'application/json', body: JSON.stringify(value) };
}
