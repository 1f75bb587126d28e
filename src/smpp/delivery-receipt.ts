import type { ReceiptStat } from './message-state.js';

export { isReceiptStat, MESSAGE_STATES, RECEIPT_STATS, type ReceiptStat } from './message-state.js';

/**
 * The delivery receipt text of SMPP 3.4 Appendix B:
 * `id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…`.
 * Appendix B is informative only and every SMSC bends it, so parsing is a tolerant key:value scan.
 */

/** The fields of a receipt text; each is undefined when missing or unreadable. */
export interface ReceiptFields {
  /** The SMSC's message id, exactly as written (decimal, hex, UUID, leading zeros kept). */
  id: string | undefined;
  /** Parts submitted. */
  sub: number | undefined;
  /** Parts delivered. */
  dlvrd: number | undefined;
  /** The SMSC's clock, read as UTC (most SMSCs report UTC; the text carries no zone). */
  submitDate: Date | undefined;
  doneDate: Date | undefined;
  /** The stat word, upper-cased (`DELIVRD`…, or a vendor word such as `ACKED`). */
  stat: string | undefined;
  /** The error code as written (`000`, `0x1A`, longer vendor codes). */
  err: string | undefined;
  /** The text after `text:` (usually the first 20 characters of the message), to the end. */
  text: string | undefined;
}

/** Keys read, with spaces and underscores removed ("submit date" → "submitdate"). */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'id',
  'sub',
  'dlvrd',
  'submitdate',
  'donedate',
  'stat',
  'err',
  'text',
]);

/**
 * A key is letters (optionally followed by "date", as in "submit date"/"done_date") and a colon, at the
 * start or after whitespace. Unknown keys still end the value before them, and are otherwise ignored.
 */
const KEY_PATTERN = /(?:^|\s)([a-z]+(?:[\s_]*date)?)\s*:/gi;

/** YYMMDDhhmm or YYMMDDhhmmss (or with a four-digit year), as UTC; undefined when not a valid date. */
function parseReceiptDate(value: string): Date | undefined {
  const match = /^(\d{2}|\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  const year = y.length === 2 ? 2000 + Number(y) : Number(y);
  const [month, day, hour, minute, second] = [Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0)];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  return date;
}

function parseCount(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Parses receipt text. Keys are matched case-insensitively with any spacing; fields may be missing,
 * repeated (the first wins) or joined by unknown vendor keys. Returns undefined when the text has
 * neither `id:` nor `stat:`, i.e. it is not a receipt.
 */
export function parseDeliveryReceipt(text: string): ReceiptFields | undefined {
  const values = new Map<string, string>();
  let pending: { key: string; start: number } | undefined;
  for (const match of text.matchAll(KEY_PATTERN)) {
    const key = match[1]!.toLowerCase().replace(/[\s_]+/g, '');
    if (pending !== undefined && !values.has(pending.key)) {
      values.set(pending.key, text.slice(pending.start, match.index).trim());
    }
    pending = KNOWN_KEYS.has(key) ? { key, start: match.index + match[0].length } : undefined;
    // The message text may contain anything, colons included: it runs to the end.
    if (key === 'text') break;
  }
  if (pending !== undefined && !values.has(pending.key)) {
    const rest = text.slice(pending.start);
    values.set(pending.key, pending.key === 'text' ? rest.trimStart() : rest.trim());
  }
  if (!values.has('id') && !values.has('stat')) return undefined;

  const id = values.get('id');
  const submitDate = values.get('submitdate');
  const doneDate = values.get('donedate');
  const err = values.get('err');
  return {
    id: id === '' ? undefined : id,
    sub: parseCount(values.get('sub')),
    dlvrd: parseCount(values.get('dlvrd')),
    submitDate: submitDate === undefined ? undefined : parseReceiptDate(submitDate),
    doneDate: doneDate === undefined ? undefined : parseReceiptDate(doneDate),
    stat: values.get('stat')?.toUpperCase() || undefined,
    err: err === '' ? undefined : err,
    text: values.get('text'),
  };
}

/** What `formatDeliveryReceipt` writes. */
export interface ReceiptInput {
  id: string;
  stat: ReceiptStat;
  submitDate: Date;
  doneDate: Date;
  /** Defaults to 1. */
  sub?: number;
  /** Defaults to 1 for DELIVRD, else 0. */
  dlvrd?: number;
  /** Defaults to `000`; numbers are zero-padded to three digits. */
  err?: string | number;
  /** The original message; only its first 20 characters are written. Defaults to empty. */
  text?: string;
  /** Write dates with seconds (YYMMDDhhmmss) instead of Appendix B's YYMMDDhhmm. */
  withSeconds?: boolean;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatReceiptDate(date: Date, withSeconds: boolean): string {
  const minutes =
    pad(date.getUTCFullYear() % 100, 2) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2);
  return withSeconds ? minutes + pad(date.getUTCSeconds(), 2) : minutes;
}

/** Writes receipt text in the Appendix B layout (dates in UTC), as the SMSC simulator sends it. */
export function formatDeliveryReceipt(input: ReceiptInput): string {
  const withSeconds = input.withSeconds ?? false;
  const err = typeof input.err === 'number' ? pad(input.err, 3) : (input.err ?? '000');
  return (
    `id:${input.id} sub:${pad(input.sub ?? 1, 3)} dlvrd:${pad(input.dlvrd ?? (input.stat === 'DELIVRD' ? 1 : 0), 3)}` +
    ` submit date:${formatReceiptDate(input.submitDate, withSeconds)}` +
    ` done date:${formatReceiptDate(input.doneDate, withSeconds)}` +
    ` stat:${input.stat} err:${err} text:${(input.text ?? '').slice(0, 20)}`
  );
}
