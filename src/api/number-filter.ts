import { toE164 } from '../core/phone-numbers.js';

/**
 * A phone number given as a query filter (`?to=+447911123456`), in E.164. An unencoded `+` in a
 * query string arrives as a space, so a leading space is read as the `+` it was; a value that is
 * not a phone number is a 400 naming the parameter (a filter that could match nothing must say
 * so, not answer an empty list).
 */
export function numberFilter(value: string, parameter: string, defaultRegion?: string): string {
  const restored = /^ +\d/.test(value) ? `+${value.trimStart()}` : value;
  return toE164(restored, parameter, defaultRegion);
}
