import type { IdFormat } from './smpp-connector-config.js';

/**
 * One key per upstream message id, whichever way the SMSC wrote it: many answer submit_sm with a
 * hexadecimal id and put the decimal value in the receipt (or pad with zeros). Numbers become
 * lower-case hexadecimal without leading zeros; text ids are trimmed and lower-cased.
 */
export function normalizeUpstreamId(id: string, format: IdFormat): string {
  const trimmed = id.trim();
  try {
    if (format === 'hex' && /^[0-9a-f]+$/i.test(trimmed)) return BigInt(`0x${trimmed}`).toString(16);
    if (format === 'decimal' && /^[0-9]+$/.test(trimmed)) return BigInt(trimmed).toString(16);
  } catch {
    // fall through to text
  }
  const lower = trimmed.toLowerCase();
  const stripped = lower.replace(/^0+(?=.)/, '');
  return stripped;
}
