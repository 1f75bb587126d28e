import { createHmac, randomBytes } from 'node:crypto';
import type { SecretMatcher } from '../../../accounts/dialect-credentials.js';
import { secretMatches } from '../../../accounts/secret-hash.js';
import type { CredentialRow } from '../../../store/queries/credentials.js';

/** How long a verified pair is remembered, and how many are at most. */
export interface VerifiedSecretCacheOptions {
  /** 0 turns the cache off: every check hashes. */
  readonly ttlMs: number;
  readonly maxEntries: number;
}

/** What the cache did, for the bench and the tests (never the secrets). */
export interface VerifiedSecretCacheStats {
  /** Checks answered from memory. */
  readonly hits: number;
  /** Checks that ran the slow hash, or waited for a concurrent check of the same pair to run it. */
  readonly misses: number;
  readonly entries: number;
}

/**
 * Remembers, for `ttlMs`, that a secret matched a credential, so the slow hash (scrypt, chosen
 * because people pick these secrets) runs once per pair and period instead of once per request.
 *
 * What is safe about it:
 * - Only matches are remembered, never misses: a wrong secret, or any secret for an identifier that
 *   does not exist, costs a full hash every time, so the cache makes nothing fast for a guesser and
 *   an unknown identifier answers as slowly as a wrong secret.
 * - An entry is found by an HMAC, under a key drawn at start and never stored, of the credential's
 *   identifier, id, stored hash and the secret. The secret itself is not kept, and the HMAC is
 *   useless without the key.
 * - It is consulted only for a credential the store still holds live, after the store was read for
 *   this very request (`DialectCredentials.check`); the account's state is checked after it on every
 *   request. A revoked credential or a disabled account therefore fails on the next request, on
 *   every node sharing the database, with no invalidation to forget; a credential issued again under
 *   the same identifier has a new id and hash, so the old entry can never match it.
 * - Bounded: at most `maxEntries`, oldest (hence first to expire) dropped first.
 */
export class VerifiedSecretCache {
  private readonly key = randomBytes(32);
  /** Entry → when it expires. Insertion order is expiry order (one TTL for all). */
  private readonly entries = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly options: VerifiedSecretCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The matcher to hand `DialectCredentials.check`. */
  readonly matches: SecretMatcher = async (secret, credential) => {
    if (this.options.ttlMs === 0) {
      this.misses++;
      return secretMatches(secret, credential.secret_hash);
    }
    const entry = this.entryKey(secret, credential);
    const expiresAt = this.entries.get(entry);
    if (expiresAt !== undefined && expiresAt > this.now()) {
      this.hits++;
      return true;
    }
    this.misses++;
    let pending = this.inFlight.get(entry);
    if (!pending) {
      pending = secretMatches(secret, credential.secret_hash).finally(() => this.inFlight.delete(entry));
      this.inFlight.set(entry, pending);
    }
    const matched = await pending;
    if (matched) this.remember(entry, this.now() + this.options.ttlMs);
    return matched;
  };

  stats(): VerifiedSecretCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }

  private entryKey(secret: string, credential: CredentialRow): string {
    // Lengths first, so no two different tuples can run together into the same input.
    const parts = [credential.kind, credential.identifier, credential.id, credential.secret_hash, secret];
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(`${Buffer.byteLength(part)}:`).update(part);
    return hmac.digest('base64');
  }

  private remember(entry: string, expiresAt: number): void {
    this.entries.delete(entry);
    const now = this.now();
    for (const [oldest, expiry] of this.entries) {
      if (expiry > now && this.entries.size < this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.set(entry, expiresAt);
  }
}
