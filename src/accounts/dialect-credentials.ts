import { randomBytes, randomInt } from 'node:crypto';
import { AuthenticationError } from '../core/errors.js';
import { newId, randomSecret } from '../core/ids.js';
import type { Store } from '../store/open-store.js';
import { type CredentialRow, findLiveCredential, insertCredential } from '../store/queries/credentials.js';
import { suspendedByPartner } from './access-policy.js';
import { isRole, type Principal } from './roles.js';
import { hashSecret, secretMatches } from './secret-hash.js';

const DUMMY_HASH = await hashSecret('no such credential');

/** The kinds of credential the API dialects and the SMPP server authenticate with. */
export const CREDENTIAL_KINDS = [
  'account_password',
  'application_key',
  'smpp',
  'kannel',
  'jasmin',
  'twilio',
] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A credential that passed `check`: whom it stands for, and the credential itself. */
export interface VerifiedCredential {
  readonly principal: Principal;
  readonly credential: CredentialRow;
}

/** Kinds whose secret is kept in the clear besides its hash, because callbacks are signed with it. */
const SIGNING_KINDS: ReadonlySet<CredentialKind> = new Set(['twilio']);

/**
 * A new, unguessable login identifier: 12 digits for an account number, a Twilio account SID (`AC`
 * and 32 hex digits), else 12 letters and digits (a system_id, a Kannel or Jasmin username).
 */
export function generateIdentifier(kind: CredentialKind): string {
  if (kind === 'twilio') return `AC${randomBytes(16).toString('hex')}`;
  const alphabet = kind === 'account_password' ? '0123456789' : 'abcdefghijklmnopqrstuvwxyz0123456789';
  // The first character of an account number is never 0, so it survives being read as a number.
  const first = kind === 'account_password' ? '123456789' : 'abcdefghijklmnopqrstuvwxyz';
  let out = first[randomInt(first.length)]!;
  while (out.length < 12) out += alphabet[randomInt(alphabet.length)]!;
  return out;
}

/** A new secret: SMPP passwords are at most 8 characters on the wire, Twilio auth tokens 32 hex digits. */
function generateSecret(kind: CredentialKind): string {
  if (kind === 'smpp') return randomSecret(6).slice(0, 8);
  if (kind === 'twilio') return randomBytes(16).toString('hex');
  return randomSecret(24);
}

/**
 * Dialect credentials: seed 003's account number + API password (`account_password`), seed 004's
 * tenant id + application key per environment (`application_key`), SMPP system_id + password
 * (`smpp`), Kannel's and Jasmin's username + password (`kannel`, `jasmin`) and Twilio's account SID +
 * auth token (`twilio`, whose token is also kept in the clear: Twilio's callbacks are signed with it). Secrets are hashed with scrypt; the identifier (and environment) is the lookup key and
 * is unique among live credentials of a kind (a unique index, so concurrent creations cannot both
 * win). Who may use which identifier is `AccessPolicy.credentialIdentifier`'s decision.
 */
export class DialectCredentials {
  constructor(private readonly store: Store) {}

  /**
   * Creates a credential; generates the identifier (login kinds) and the secret when none is given.
   * Returns what to show once, or `exists` when a live credential holds the identifier already.
   */
  async create(input: {
    accountId: string;
    kind: CredentialKind;
    identifier?: string;
    environment?: string;
    secret?: string;
    /** The region national numbers are read in (seed 003's account passwords). */
    region?: string;
  }): Promise<{ id: string; identifier: string; secret: string } | 'exists'> {
    const environment = input.environment ?? '';
    const secret = input.secret ?? generateSecret(input.kind);
    const secretHash = await hashSecret(secret);
    // A generated identifier that happens to be taken is drawn again; a chosen one is not.
    for (let attempt = 0; attempt < 5; attempt++) {
      const identifier = input.identifier ?? generateIdentifier(input.kind);
      const id = newId('cred');
      const inserted = await insertCredential(this.store, {
        id,
        account_id: input.accountId,
        kind: input.kind,
        identifier,
        environment,
        secret_hash: secretHash,
        created_at: Date.now(),
        revoked_at: null,
        default_region: input.region ?? null,
        signing_secret: SIGNING_KINDS.has(input.kind) ? secret : null,
      });
      if (inserted) return { id, identifier, secret };
      if (input.identifier !== undefined) return 'exists';
    }
    throw new Error(`could not draw a free ${input.kind} identifier`);
  }

  /** The account holding the live credential of this kind, identifier and environment, if any. */
  async liveHolder(kind: CredentialKind, identifier: string, environment = ''): Promise<string | undefined> {
    return (await findLiveCredential(this.store, kind, identifier, environment))?.account_id;
  }

  /** The principal a dialect's credentials stand for; throws 401 (the same for every failure). */
  async verify(
    kind: CredentialKind,
    identifier: string,
    secret: string,
    environment = '',
  ): Promise<Principal> {
    return (await this.check(kind, identifier, secret, environment)).principal;
  }

  /** `verify`, with the credential row (a dialect reads its settings, such as its default region). */
  async check(
    kind: CredentialKind,
    identifier: string,
    secret: string,
    environment = '',
  ): Promise<VerifiedCredential> {
    const row = await findLiveCredential(this.store, kind, identifier, environment);
    // Hash even when nothing matched, or when the account may not log in, so timing does not tell
    // which identifiers exist or which accounts are disabled.
    const matched = await secretMatches(secret, row?.secret_hash ?? DUMMY_HASH);
    if (
      !row ||
      !matched ||
      row.disabled_at !== null ||
      suspendedByPartner(row.role, row.partner_disabled_at !== null) ||
      !isRole(row.role)
    ) {
      throw new AuthenticationError();
    }
    return { principal: { accountId: row.account_id, role: row.role, keyId: row.id }, credential: row };
  }
}
