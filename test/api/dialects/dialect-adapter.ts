// The contract of one HTTP dialect as the conformance suite drives it: how to make each kind of
// request in the dialect's own words, and what its answers must look like. Not a test file.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ConfigInput } from '../../../src/config/schema.js';
import type { Gateway } from '../../../src/gateway.js';
import type { Store } from '../../../src/store/open-store.js';

/** Requests and checks for one dialect, made once its credentials exist (see `setup`). */
export interface DialectCases {
  /** A valid send of one text to `to`. */
  send(to: string): InjectOptions;
  /** Checks a successful send's answer; returns the smsgate message ids it reports. */
  accepted(response: LightMyRequestResponse): string[];
  /** A send whose recipient is not a phone number. */
  badRecipient(): InjectOptions;
  /** Checks the 400: the dialect's error shape, naming the recipient field as the dialect names it. */
  refusedBadRecipient(response: LightMyRequestResponse): void;
  /** A valid send with no credentials, and one with wrong credentials. */
  unauthenticated(): InjectOptions[];
  /** Checks a 401 in the dialect's shape. */
  refusedUnauthenticated(response: LightMyRequestResponse): void;
  /** A request the (authenticated) caller may not make: a role or a scope it lacks. */
  forbidden(): InjectOptions;
  /** Checks a 403 in the dialect's shape. */
  refusedForbidden(response: LightMyRequestResponse): void;
  /** A send with a body over the configured limit (`bodyLimitBytes` in `config`). */
  tooLarge(): InjectOptions;
  /** A send whose body cannot be read in the format it claims. */
  malformed(): InjectOptions;
  /** Checks the 413 and the 400 for those two, in the dialect's shape. */
  refused(response: LightMyRequestResponse, status: 400 | 413): void;
}

/** One dialect under the conformance suite. */
export interface DialectAdapter {
  readonly name: string;
  /** Settings the dialect's gateway needs besides the suite's. */
  readonly config?: ConfigInput;
  /** Creates what its callers need (accounts, credentials) and returns its cases. */
  setup(gateway: Gateway, store: Store): Promise<DialectCases>;
}
