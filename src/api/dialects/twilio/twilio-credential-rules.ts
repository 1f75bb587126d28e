import { ValidationError } from '../../../core/errors.js';

/** A Twilio account SID: `AC` and 32 lower-case hex digits, as Twilio's clients check it. */
export const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;

/**
 * Refuses a `twilio` credential an application could not use: its identifier must be an account
 * SID (the twilio library refuses any other), and a chosen auth token is what Twilio issues, 32
 * hex digits, so the library's own checks and signature code take it as they take Twilio's.
 */
export function checkTwilioCredential(identifier: string | undefined, secret: string | undefined): void {
  if (identifier !== undefined && !ACCOUNT_SID.test(identifier)) {
    throw new ValidationError(
      `identifier "${identifier}" is not a Twilio account SID: AC and 32 lower-case hex digits`,
      'identifier',
      'invalid_identifier',
    );
  }
  if (secret !== undefined && !/^[0-9a-f]{32}$/.test(secret)) {
    throw new ValidationError('a Twilio auth token is 32 lower-case hex digits', 'secret', 'invalid_secret');
  }
}
