import type { FastifyRequest } from 'fastify';
import { DialectCredentials } from '../../../accounts/dialect-credentials.js';
import type { Principal } from '../../../accounts/roles.js';
import { AuthenticationError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import { VerifiedCredentialCache } from './verified-credential-cache.js';

/** The one answer to an unknown account number and to a wrong password alike. */
export const WRONG_PASSWORD_MESSAGE = 'Wrong account number or password';

/** A caller of `/<accountNumber>/sms/send` whose password was right. */
export interface AccountPasswordCaller {
  readonly principal: Principal;
  /** The region the credential reads national numbers in; null: the gateway's `defaultRegion`. */
  readonly region: string | null;
}

/**
 * Checks an account number and API password against the live `account_password` credential of
 * that number, through a cache of recently verified pairs (`VerifiedCredentialCache`: scrypt is
 * slow on purpose and must not cap the send rate). Every failure — unknown number, wrong password,
 * revoked credential, disabled or suspended account — is the same 401 after the same work (one
 * store read, one hash), and is never cached.
 */
export class AccountPasswordCheck {
  readonly cache: VerifiedCredentialCache<AccountPasswordCaller>;
  private readonly credentials: DialectCredentials;

  constructor(gateway: Gateway) {
    this.credentials = new DialectCredentials(gateway.store);
    this.cache = new VerifiedCredentialCache(gateway.config.credentialCache);
    // Revoked keys and credentials, disabled accounts and partners: forget every verified pair.
    gateway.auth.onInvalidate(() => this.cache.clear());
  }

  /** The caller, or a 401 worded the same for every failure. */
  verify(accountNumber: string, password: string): Promise<AccountPasswordCaller> {
    return this.cache.verify(accountNumber, password, async () => {
      try {
        const { principal, credential } = await this.credentials.check(
          'account_password',
          accountNumber,
          password,
        );
        return { principal, region: credential.default_region };
      } catch (error) {
        if (error instanceof AuthenticationError) throw new AuthenticationError(WRONG_PASSWORD_MESSAGE);
        throw error;
      }
    });
  }
}

const checks = new WeakMap<Gateway, AccountPasswordCheck>();

/** The gateway's check (one cache per running gateway). */
export function accountPasswordCheck(gateway: Gateway): AccountPasswordCheck {
  let check = checks.get(gateway);
  if (!check) {
    check = new AccountPasswordCheck(gateway);
    checks.set(gateway, check);
  }
  return check;
}

const callerRegions = new WeakMap<FastifyRequest, string | null>();

/** Keeps the region of the credential a request authenticated with, for its handler. */
export function rememberCallerRegion(request: FastifyRequest, region: string | null): void {
  callerRegions.set(request, region);
}

/** The default region of the credential a request authenticated with (after `dialectAuth`). */
export function callerRegionOf(request: FastifyRequest): string | null {
  return callerRegions.get(request) ?? null;
}
