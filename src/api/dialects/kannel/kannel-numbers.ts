import { toE164 } from '../../../core/phone-numbers.js';

/**
 * A Kannel recipient in E.164. Kannel hands numbers to the SMSC as given, and its callers write
 * them in every way an SMSC takes: `+447911123456`, `00447911123456`, `447911123456` (the `+` of an
 * unescaped query is a space, so this is also what `to=+4479…` arrives as), or national
 * (`07911123456`). A number starting with `+` or `00` is international; one starting with a single
 * `0` is national, read in the gateway's `defaultRegion`; any other string of digits is
 * international without its `+`. Throws the gateway's ValidationError for one that is no number.
 */
export function kannelNumber(raw: string, defaultRegion: string | undefined): string {
  const number = raw.trim();
  if (/^00\d/.test(number)) return toE164(`+${number.slice(2)}`, 'to', defaultRegion);
  if (/^[1-9]\d+$/.test(number)) return toE164(`+${number}`, 'to', defaultRegion);
  return toE164(number, 'to', defaultRegion);
}
