import { AuthenticationError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { findApiKeyByPrefix, touchApiKey } from '../store/queries/accounts.js';
import { suspendedByPartner } from './access-policy.js';
import { apiKeyMatches, apiKeyPrefix, hashApiKey } from './api-keys.js';
import { isRole, type Principal } from './roles.js';

interface CacheEntry {
  principal: Principal;
  expiresAt: number;
}

const CACHE_TTL_MS = 5_000;
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Turns credentials into a principal. Keys are found by their visible prefix and compared by hash
 * in constant time; successful lookups are cached for a few seconds (keyed by the key's hash, never
 * the key) so the hot path does not read the database on every request.
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastTouched = new Map<string, number>();
  private readonly invalidated: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  /**
   * Resolves an `Authorization` header (Bearer key, or Basic accountId:key). With
   * `basicKeyAsUserName`, Basic may also carry the key as the user name with an empty password,
   * as ServiceStack's API key clients send it.
   */
  async fromAuthorizationHeader(
    header: string | undefined,
    options: { readonly basicKeyAsUserName?: boolean } = {},
  ): Promise<Principal> {
    if (!header) throw new AuthenticationError('Missing credentials: send "Authorization: Bearer <api key>"');
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const value = space > 0 ? header.slice(space + 1).trim() : '';
    if (scheme === 'bearer') return this.fromApiKey(value);
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new AuthenticationError('Basic credentials must be <account id>:<api key>');
      if (options.basicKeyAsUserName && colon === decoded.length - 1) {
        return this.fromApiKey(decoded.slice(0, colon));
      }
      const principal = await this.fromApiKey(decoded.slice(colon + 1));
      if (principal.accountId !== decoded.slice(0, colon)) throw new AuthenticationError();
      return principal;
    }
    throw new AuthenticationError('Unsupported authorization scheme: use Bearer or Basic');
  }

  /** Resolves a bare API key. */
  async fromApiKey(key: string): Promise<Principal> {
    const prefix = apiKeyPrefix(key);
    if (!prefix) throw new AuthenticationError();
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.principal;
    const row = await findApiKeyByPrefix(this.store, prefix);
    if (
      !row ||
      row.account_disabled_at !== null ||
      suspendedByPartner(row.account_role, row.partner_disabled_at !== null) ||
      !apiKeyMatches(key, row.hash) ||
      !isRole(row.account_role)
    ) {
      throw new AuthenticationError();
    }
    const principal: Principal = { accountId: row.account_id, role: row.account_role, keyId: row.id };
    this.cache.set(hash, { principal, expiresAt: now + CACHE_TTL_MS });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    if (now - (this.lastTouched.get(row.id) ?? 0) > TOUCH_INTERVAL_MS) {
      this.lastTouched.set(row.id, now);
      void touchApiKey(this.store, row.id, now).catch(() => {});
    }
    return principal;
  }

  /**
   * Forgets cached lookups (after a key or dialect credential is revoked, or an account — a
   * partner's clients with it — disabled), and tells every other cache of authentications to.
   */
  invalidate(): void {
    this.cache.clear();
    for (const listener of this.invalidated) listener();
  }

  /** Calls `listener` on every `invalidate` (the dialects' caches of verified credentials). */
  onInvalidate(listener: () => void): void {
    this.invalidated.push(listener);
  }
}
