import { AuthenticationError, ConflictError } from '../core/errors.js';
import { newId, randomSecret } from '../core/ids.js';
import type { Store } from '../store/open-store.js';
import { findLiveCredential, insertCredential } from '../store/queries/credentials.js';
import { isRole, type Principal } from './roles.js';
import { hashSecret, secretMatches } from './secret-hash.js';

const DUMMY_HASH = await hashSecret('no such credential');

/** The kinds of credential the API dialects and the SMPP server authenticate with. */
export const CREDENTIAL_KINDS = ['account_password', 'application_key', 'smpp'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/**
 * Dialect credentials: seed 003's account number + API password (`account_password`), seed 004's
 * tenant id + application key per environment (`application_key`), and SMPP system_id + password
 * (`smpp`). Secrets are hashed with scrypt; the identifier (and environment) is the lookup key and
 * must be unique among live credentials of a kind.
 */
export class DialectCredentials {
  constructor(private readonly store: Store) {}

  /** Creates a credential; generates the secret when none is given. Returns the secret to show once. */
  async create(input: {
    accountId: string;
    kind: CredentialKind;
    identifier: string;
    environment?: string;
    secret?: string;
  }): Promise<{ id: string; secret: string }> {
    const environment = input.environment ?? '';
    if (await findLiveCredential(this.store, input.kind, input.identifier, environment)) {
      throw new ConflictError(
        `A ${input.kind} credential for "${input.identifier}"${environment ? ` (${environment})` : ''} exists already`,
        'credential_exists',
      );
    }
    // SMPP passwords are at most 8 characters on the wire; the others get 24 random bytes.
    const secret = input.secret ?? (input.kind === 'smpp' ? randomSecret(6).slice(0, 8) : randomSecret(24));
    const id = newId('cred');
    await insertCredential(this.store, {
      id,
      account_id: input.accountId,
      kind: input.kind,
      identifier: input.identifier,
      environment,
      secret_hash: await hashSecret(secret),
      created_at: Date.now(),
      revoked_at: null,
    });
    return { id, secret };
  }

  /** The principal a dialect's credentials stand for; throws 401 (the same for every failure). */
  async verify(
    kind: CredentialKind,
    identifier: string,
    secret: string,
    environment = '',
  ): Promise<Principal> {
    const row = await findLiveCredential(this.store, kind, identifier, environment);
    // Hash even when nothing matched, so timing does not tell which identifiers exist.
    if (!row) await secretMatches(secret, DUMMY_HASH);
    if (
      !row ||
      row.disabled_at !== null ||
      !isRole(row.role) ||
      !(await secretMatches(secret, row.secret_hash))
    ) {
      throw new AuthenticationError();
    }
    return { accountId: row.account_id, role: row.role, keyId: row.id };
  }
}
