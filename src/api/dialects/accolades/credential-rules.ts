import { isSupportedCountry } from 'libphonenumber-js';
import { ValidationError } from '../../../core/errors.js';
import { isReservedRootSegment } from '../../reserved-paths.js';

/** Characters a path segment carries without escaping (RFC 3986 unreserved), starting with one that is not punctuation. */
const ACCOUNT_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;

/**
 * Refuses an account number no application could use in `/<accountNumber>/sms/send`: one that is
 * another API's path (`api`, `v1`, `interact` … — `RESERVED_ROOT_SEGMENTS`), or one that is not a
 * plain path segment (a `/`, a space, `..`). Checked when an `account_password` credential is
 * created, for everyone, before whose the number may be is checked: such a name is nobody's, so
 * saying so reveals nothing.
 */
export function checkAccountNumber(identifier: string): void {
  if (isReservedRootSegment(identifier)) {
    throw new ValidationError(
      `identifier "${identifier}" cannot be an account number: /${identifier}/ is a path of another API`,
      'identifier',
      'identifier_reserved',
    );
  }
  if (!ACCOUNT_NUMBER.test(identifier)) {
    throw new ValidationError(
      `identifier "${identifier}" cannot be an account number: use letters, digits, ".", "_", "~" and "-", starting with a letter or digit`,
      'identifier',
      'invalid_identifier',
    );
  }
}

/**
 * The default region of an `account_password` credential: an ISO 3166 code the phone-number
 * metadata knows (`RO`, `GB` …), upper-cased; national numbers its application sends are read in it.
 */
export function accountRegion(region: string): string {
  const upper = region.trim().toUpperCase();
  if (!isSupportedCountry(upper)) {
    throw new ValidationError(
      `region "${region}" is not a country code phone numbers are known for (ISO 3166, e.g. RO or GB)`,
      'region',
      'invalid_region',
    );
  }
  return upper;
}
