import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberWithError,
} from 'libphonenumber-js';
import { ValidationError } from './errors.js';
import { gsm7Length, isGsm7Char } from './gsm7.js';

/**
 * How strictly a number is checked: `valid` (a number its country's plan assigns, what recipients
 * must be) or `possible` (only the right length for its country, libphonenumber's `isPossible`):
 * what operators accept as a sender, so seed 004's sample sender `+12121234567` (exchange 123 is
 * never assigned) goes through.
 */
export const NUMBER_CHECKS = ['valid', 'possible'] as const;
export type NumberCheck = (typeof NUMBER_CHECKS)[number];

/**
 * Normalises a recipient to E.164 (`+<country><number>`). National numbers are read in
 * `defaultRegion`; anything that is not a valid (or, with `check: 'possible'`, a possible) number
 * for its country is refused with an error that names the number and the field.
 */
export function toE164(
  input: string,
  field: string,
  defaultRegion?: string,
  check: NumberCheck = 'valid',
): string {
  // Parsing builds regular expressions from metadata on every call; recipients repeat (OTPs, alerts,
  // retried requests), so remember recent answers.
  const cacheKey = `${check === 'valid' ? '' : 'p'}${defaultRegion ?? ''}|${input}`;
  const cached = recentNumbers.get(cacheKey);
  if (cached !== undefined) return cached;
  const e164 = parseToE164(input, field, defaultRegion, check);
  if (recentNumbers.size >= RECENT_NUMBERS_LIMIT) recentNumbers.delete(recentNumbers.keys().next().value!);
  recentNumbers.set(cacheKey, e164);
  return e164;
}

const RECENT_NUMBERS_LIMIT = 50_000;
const recentNumbers = new Map<string, string>();

function parseToE164(
  input: string,
  field: string,
  defaultRegion: string | undefined,
  check: NumberCheck,
): string {
  const raw = input.trim();
  if (raw === '') throw new ValidationError(`${field} is empty`, field, 'invalid_number');
  const region =
    defaultRegion && isSupportedCountry(defaultRegion) ? (defaultRegion as CountryCode) : undefined;
  const normalised = raw.startsWith('00') ? `+${raw.slice(2)}` : raw;
  if (/^\d{8,15}$/.test(normalised)) return digitsOnly(raw, normalised, field, region);
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = region
      ? parsePhoneNumberWithError(normalised, { defaultCountry: region })
      : parsePhoneNumberWithError(normalised);
  } catch {
    const hint = normalised.startsWith('+') || region ? '' : ' (use E.164, e.g. +447911123456)';
    throw new ValidationError(
      `${field} "${raw}" is not a valid phone number${hint}`,
      field,
      'invalid_number',
    );
  }
  if (check === 'valid' ? !parsed.isValid() : !parsed.isPossible()) {
    throw new ValidationError(`${field} "${raw}" is not a valid phone number`, field, 'invalid_number');
  }
  return parsed.number;
}

/**
 * Digits without a `+` or `00`: `447911123456`, as Kannel users write international numbers, or a
 * national `07911123456`. Without a default region they are international. With one, they are
 * national (what a region is configured for: a US `2012345678` is New Jersey, not Egypt's +20),
 * unless they start with the region's own country code and read as a valid international number
 * (`447911123456` in GB); if they then read validly as a different national number too, they are
 * refused as ambiguous rather than guessed.
 */
function digitsOnly(raw: string, digits: string, field: string, region: CountryCode | undefined): string {
  const valid = (text: string, country?: CountryCode): string | undefined => {
    try {
      const parsed = country
        ? parsePhoneNumberWithError(text, { defaultCountry: country })
        : parsePhoneNumberWithError(text);
      return parsed.isValid() ? parsed.number : undefined;
    } catch {
      return undefined;
    }
  };
  const international = valid(`+${digits}`);
  if (!region) {
    if (international) return international;
    throw new ValidationError(
      `${field} "${raw}" is not a valid phone number (use E.164, e.g. +447911123456)`,
      field,
      'invalid_number',
    );
  }
  const national = valid(digits, region);
  const ownCode = getCountryCallingCode(region);
  if (international && digits.startsWith(ownCode)) {
    if (national && national !== international) {
      throw new ValidationError(
        `${field} "${raw}" is ambiguous: ${international} as an international number, or ${national} as a national number of ${region}; write it with a + (E.164) or in its national form`,
        field,
        'invalid_number',
      );
    }
    return international;
  }
  if (national) return national;
  throw new ValidationError(`${field} "${raw}" is not a valid phone number`, field, 'invalid_number');
}

/** The kinds of sender id an SMS can carry; decides TON/NPI on SMPP. */
export const SENDER_KINDS = ['international', 'shortcode', 'alphanumeric'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

export interface Sender {
  readonly value: string;
  readonly kind: SenderKind;
}

/**
 * Classifies and normalises a sender id: an E.164 number (or a national one in `defaultRegion`),
 * a short code (3–8 digits), or an alphanumeric id of at most 11 GSM characters. A number must be
 * valid, or only possible with `check: 'possible'`.
 */
export function parseSender(
  input: string,
  field: string,
  defaultRegion?: string,
  check: NumberCheck = 'valid',
): Sender {
  const raw = input.trim();
  if (raw === '') throw new ValidationError(`${field} is empty`, field, 'invalid_sender');
  if (/^\d{3,8}$/.test(raw)) return { value: raw, kind: 'shortcode' };
  if (/^\+?[\d\s().-]+$/.test(raw)) {
    return { value: toE164(raw, field, defaultRegion, check), kind: 'international' };
  }
  for (const ch of raw) {
    if (!isGsm7Char(ch)) {
      throw new ValidationError(
        `${field} "${raw}" contains "${ch}", which an alphanumeric sender id cannot carry`,
        field,
        'invalid_sender',
      );
    }
  }
  if (gsm7Length(raw) > 11) {
    throw new ValidationError(
      `${field} "${raw}" is longer than the 11 characters an alphanumeric sender id may have`,
      field,
      'invalid_sender',
    );
  }
  return { value: raw, kind: 'alphanumeric' };
}
