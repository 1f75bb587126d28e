import { timingSafeEqual } from 'node:crypto';

/** The header the dashboard's scripts send their session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
/** The form field login and sign-out forms send it in. */
export const CSRF_FIELD = 'csrf';

/** Whether `given` is the expected token (constant time; a missing token never matches). */
export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
