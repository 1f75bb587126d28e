import { toE164 } from '../core/phone-numbers.js';

/**
 * The ways an inbound address may be read, most likely first. SMSCs send numbers with or without
 * the `+`, or in national form: with a default region the national reading comes first (so a
 * US `2012345678` is not taken for Egypt's +20…), then digits read as international, then the
 * address as given (short codes, alphanumerics).
 */
export function addressReadings(raw: string, defaultRegion?: string): string[] {
  const trimmed = raw.trim();
  const readings: string[] = [];
  const read = (candidate: string) => {
    try {
      readings.push(toE164(candidate, 'address', defaultRegion));
    } catch {
      // Not a phone number in this form.
    }
  };
  if (defaultRegion) read(trimmed);
  if (/^\d{8,15}$/.test(trimmed)) read(`+${trimmed}`);
  if (!defaultRegion) read(trimmed);
  readings.push(trimmed);
  return [...new Set(readings)];
}

/** Every spelling an outbound sender id may be stored under for these readings of a reply's recipient. */
export function senderSpellings(readings: readonly string[]): string[] {
  const spellings = new Set<string>();
  for (const reading of readings) {
    spellings.add(reading);
    spellings.add(reading.toUpperCase());
    if (reading.startsWith('+')) spellings.add(reading.slice(1));
    else if (/^\d+$/.test(reading)) spellings.add(`+${reading}`);
  }
  return [...spellings];
}
