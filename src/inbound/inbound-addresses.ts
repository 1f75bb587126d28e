import { toE164 } from '../core/phone-numbers.js';

/**
 * An inbound address as E.164 when it reads as a phone number (SMSCs often drop the `+` or send
 * national numbers), else as given (short codes, alphanumerics).
 */
export function normaliseInboundAddress(raw: string, defaultRegion?: string): string {
  const trimmed = raw.trim();
  for (const candidate of /^\d{8,15}$/.test(trimmed) ? [`+${trimmed}`, trimmed] : [trimmed]) {
    try {
      return toE164(candidate, 'from', defaultRegion);
    } catch {
      // Not a phone number in this form; try the next one.
    }
  }
  return trimmed;
}

/** Whether an outbound sender id and the address a reply was sent to name the same thing. */
export function sameAddress(sender: string, replyTo: string): boolean {
  const a = sender.replace(/^\+/, '');
  const b = replyTo.replace(/^\+/, '');
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a === b;
  return a.toUpperCase() === b.toUpperCase();
}
