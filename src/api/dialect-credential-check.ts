import {
  type CredentialKind,
  DialectCredentials,
  type VerifiedCredential,
} from '../accounts/dialect-credentials.js';
import type { Gateway } from '../gateway.js';
import { VerifiedCredentialCache } from './dialects/accolades/verified-credential-cache.js';

/**
 * Checks a login (identifier + secret) of one credential kind — Twilio's account SID and auth
 * token, Kannel's or Jasmin's username and password, Interact's Tenant-Id and Application-Key —
 * through a cache of recently verified pairs, as the account-password check does (scrypt is slow
 * on purpose and must not cap the send rate). Failures are never cached and all look alike (one
 * store read, one hash): a 401 the dialect words its way.
 */
export class DialectCredentialCheck {
  private readonly credentials: DialectCredentials;
  private readonly cache: VerifiedCredentialCache<VerifiedCredential>;

  constructor(
    gateway: Gateway,
    private readonly kind: CredentialKind,
  ) {
    this.credentials = new DialectCredentials(gateway.store);
    this.cache = new VerifiedCredentialCache(gateway.config.credentialCache);
    // Revoked keys and credentials, disabled accounts and partners: forget every verified pair.
    gateway.auth.onInvalidate(() => this.cache.clear());
  }

  /**
   * The caller and its credential; throws AuthenticationError for any failure. `environment`
   * (Interact's `Environment-Name`) is part of what is remembered: a pair verified in one
   * environment is not thereby verified in another.
   */
  verify(identifier: string, secret: string, environment = ''): Promise<VerifiedCredential> {
    const remembered = `${Buffer.byteLength(environment)}:${environment}:${identifier}`;
    return this.cache.verify(remembered, secret, () =>
      this.credentials.check(this.kind, identifier, secret, environment),
    );
  }
}

const checks = new WeakMap<Gateway, Map<CredentialKind, DialectCredentialCheck>>();

/** The gateway's check of one kind (one cache per running gateway and kind). */
export function dialectCredentialCheck(gateway: Gateway, kind: CredentialKind): DialectCredentialCheck {
  let byKind = checks.get(gateway);
  if (!byKind) {
    byKind = new Map();
    checks.set(gateway, byKind);
  }
  let check = byKind.get(kind);
  if (!check) {
    check = new DialectCredentialCheck(gateway, kind);
    byKind.set(kind, check);
  }
  return check;
}
