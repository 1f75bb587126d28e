import { PRIORITIES } from '../../core/statuses.js';
import type { HistoryRow, MessageRow, PartRow } from '../../store/queries/messages-read.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A message as the native API shows it. */
export function messageView(
  row: MessageRow,
  history?: readonly HistoryRow[],
  parts?: readonly PartRow[],
  refs?: Readonly<Record<string, string>>,
) {
  return {
    id: row.id,
    to: row.to_number,
    from: row.sender,
    text: row.body,
    status: row.status,
    encoding: row.encoding,
    segments: row.segments,
    priority: PRIORITIES[row.priority] ?? 'normal',
    connector: row.connector,
    route: row.route,
    attempts: row.attempts,
    clientRef: row.client_ref,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as unknown),
    callbackUrl: row.callback_url,
    replyRequired: row.reply_required === 1,
    awaitingReply: row.reply_required === 1 && row.replied_at === null,
    repliedAt: iso(row.replied_at),
    scheduleAt: iso(row.schedule_at),
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    sentAt: iso(row.sent_at),
    finalAt: iso(row.final_at),
    lastCode: row.last_code,
    lastDetail: row.last_detail,
    ...(refs ? { refs } : {}),
    ...(history
      ? { history: history.map((h) => ({ status: h.status, at: iso(h.at), code: h.code, detail: h.detail })) }
      : {}),
    ...(parts
      ? {
          parts: parts.map((p) => ({
            index: p.part_index,
            connector: p.connector,
            upstreamId: p.upstream_id,
            status: p.status,
            code: p.code,
          })),
        }
      : {}),
  };
}
