import type { PayloadFormat } from './payload-format.js';

/** Final statuses after the SMSC had the message: a terminal-level (2) DLR reports them. */
const TERMINAL = new Set(['delivered', 'undelivered', 'expired', 'rejected', 'failed']);
/** Final statuses before any SMSC took it: an SMS-C-level (1) DLR reports the refusal. */
const REFUSED = new Set(['rejected', 'failed', 'expired', 'canceled']);
/** The receipt `stat` of a status, when the upstream's own receipt did not say. */
const STATS: Readonly<Record<string, string>> = {
  delivered: 'DELIVRD',
  undelivered: 'UNDELIV',
  expired: 'EXPIRED',
  rejected: 'REJECTD',
  failed: 'UNKNOWN',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYMMDDhhmm` (UTC), the receipt dates of Jasmin's DLR. */
function receiptDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
}

/**
 * Jasmin's DLRs (HTTP API docs, "Receiving DLR"), per the `dlr-level` the send asked for
 * (`jasmin:<level>:<method>`): level 1 reports the SMS-C's answer to the submission (`sent` is
 * `ESME_ROK`, a refusal before any SMS-C took it its command status) with `id`, `message_status`,
 * `level`, `connector`; level 2 the terminal state (`DELIVRD`, `UNDELIV` …) with `id_smsc`,
 * `subdate`, `donedate`, `sub`, `dlvrd`, `err`, `text` besides; level 3 both. Sent by GET (the query) or
 * POST (a form), and only done when the receiver answers `ACK/Jasmin`.
 */
export const jasminFormat: PayloadFormat = ({ event, message }, context) => {
  if (!message || event.status === null) return null;
  const [levelText = '1', method = 'GET'] = context.argument.split(':');
  const level = Number(levelText);
  const sentBefore = message.sentAt !== null && event.status !== 'sent';
  const common = { id: message.id, level: levelText, connector: message.connector ?? '' };
  let fields: Record<string, string> | undefined;
  if (
    (level === 1 || level === 3) &&
    (event.status === 'sent' || (!sentBefore && REFUSED.has(event.status)))
  ) {
    const status =
      event.status === 'sent'
        ? 'ESME_ROK'
        : /^ESME_\w+$/.test(event.code ?? '')
          ? event.code!
          : 'ESME_RSUBMITFAIL';
    fields = { ...common, message_status: status };
  } else if ((level === 2 || level === 3) && sentBefore && TERMINAL.has(event.status)) {
    const stat = /stat:(\w+)/.exec(event.code ?? '')?.[1] ?? STATS[event.status] ?? 'UNKNOWN';
    const err = /err:(\w+)/.exec(event.code ?? '')?.[1] ?? '000';
    fields = {
      ...common,
      id_smsc: message.upstreamId ?? '',
      message_status: stat,
      subdate: receiptDate(message.sentAt ?? message.createdAt),
      donedate: receiptDate(event.at),
      sub: '001',
      dlvrd: event.status === 'delivered' ? '001' : '000',
      err,
      // The message's first 20 characters, read from the message when the DLR is sent (the outbox
      // row itself carries no text).
      text: message.textStart,
    };
  }
  if (!fields) return null;
  return {
    method: method === 'POST' ? 'POST' : 'GET',
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams(fields).toString(),
    acknowledged: (body) => body.trim() === 'ACK/Jasmin',
  };
};
