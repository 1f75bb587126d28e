import type { SentBatch } from '../../messages/message-service.js';

/** What `POST /v1/messages` answers for one send (and a batch item's `message`). */
export function acceptedBody(send: SentBatch) {
  return {
    messages: send.messages.map((m) => ({
      id: m.id,
      to: m.to,
      status: m.status,
      encoding: send.encoding,
      segments: send.segments,
      clientRef: send.clientRef,
      scheduleAt: send.scheduleAt === null ? null : new Date(send.scheduleAt).toISOString(),
      createdAt: new Date(m.createdAt).toISOString(),
    })),
  };
}
