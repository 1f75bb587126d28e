import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { type AccountRow, findAccount, listAccounts } from '../store/queries/accounts.js';
import { findCredentialHolders } from '../store/queries/credentials.js';
import { findTenant, listTenants, type TenantRow } from '../store/queries/tenants.js';
import { type LimitsChange, loosenedLimit, parseAdminLimits } from './admin-limits.js';
import type { CredentialKind } from './dialect-credentials.js';
import type { Principal, Role } from './roles.js';

/**
 * The permission matrix (docs/permissions.md), enforced here and nowhere else:
 *
 * - admin: everything, every tenant.
 * - partner: creates tenants (which it then manages); reads and manages the client accounts of its
 *   tenants and their keys; its own account and keys; the audit entries about all of these.
 * - client: its own account and keys; its own messages.
 *
 * What a caller may not see is reported as not found (404), so ids of other tenants reveal
 * nothing; what it may see but not change is forbidden (403).
 */
/** Role-level capabilities: what a role may do at all, before any object-level check. */
export const CAPABILITIES = {
  'tenants:create': ['admin', 'partner'],
  'tenants:list': ['admin', 'partner'],
  'tenants:assign-partner': ['admin'],
  'accounts:create': ['admin', 'partner'],
  'limits:change-own': ['admin'],
  /** What an admin sets becomes a ceiling others cannot raise or remove (admin-limits.ts). */
  'limits:set-ceilings': ['admin'],
  /** Top up a balance from nothing; others move credit from their own balance. */
  'balance:mint': ['admin'],
  /** Give a dialect credential any identifier (others: see `credentialIdentifier`). */
  'credentials:any-identifier': ['admin'],
  'prices:read': ['admin', 'partner'],
  'prices:write': ['admin'],
  'audit:read': ['admin', 'partner'],
  'connectors:read': ['admin'],
  'queue:read': ['admin'],
  'messages:count-all-accounts': ['admin'],
  'webhooks:read-all': ['admin'],
  'connectors:simulate-inbound': ['admin'],
  'routes:manage': ['admin'],
  /** Give a sender number to one account (its replies are that account's alone). */
  'numbers:manage': ['admin'],
  /** Pin a campaign to a connector, past the route table. */
  'campaigns:choose-connector': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof CAPABILITIES;

/** Whether the principal's role has the capability. */
export function can(principal: Principal, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly Role[]).includes(principal.role);
}

/** Throws 403 with `message` unless the principal's role has the capability. */
export function requireCapability(principal: Principal, capability: Capability, message: string): void {
  if (!can(principal, capability)) throw new ForbiddenError(message);
}

/**
 * Whether an account is suspended by its partner: a client account of a tenant whose partner is
 * disabled. Its keys and dialect credentials fail as a disabled account's do, until the partner is
 * enabled again; its own `disabled` flag is left alone (docs/permissions.md, "Disabling a partner").
 * Only client accounts: they are what a partner manages; an admin or partner placed in the tenant is not.
 */
export function suspendedByPartner(role: string, partnerDisabled: boolean): boolean {
  return role === 'client' && partnerDisabled;
}

export class AccessPolicy {
  constructor(private readonly store: Store) {}

  /** Tenants the principal manages: every one for an admin, its own for a partner, none for a client. */
  async managedTenants(principal: Principal): Promise<TenantRow[] | 'all'> {
    if (principal.role === 'admin') return 'all';
    if (principal.role === 'partner') return listTenants(this.store, principal.accountId);
    return [];
  }

  /**
   * Whether the principal may act for this tenant (the seeds' `LicenseeId`): its own account's
   * tenant; also, for a partner, a tenant it manages; for an admin, any tenant there is. The same
   * reads whatever the answer, so a refusal says nothing about whether the tenant exists.
   */
  async actsForTenant(principal: Principal, tenantId: string): Promise<boolean> {
    const [account, managed, tenant] = await Promise.all([
      findAccount(this.store, principal.accountId),
      this.managedTenants(principal),
      findTenant(this.store, tenantId),
    ]);
    if (account?.tenant_id === tenantId) return true;
    if (managed === 'all') return tenant !== undefined;
    return managed.some((t) => t.id === tenantId);
  }

  /** Throws unless the principal may create tenants. */
  requireTenantCreation(principal: Principal): void {
    requireCapability(principal, 'tenants:create', 'Only admins and partners create tenants');
  }

  /** The tenant, if the principal may see it; else 404. */
  async visibleTenant(principal: Principal, tenantId: string): Promise<TenantRow> {
    const tenant = await findTenant(this.store, tenantId);
    const visible =
      tenant !== undefined &&
      (principal.role === 'admin' ||
        (principal.role === 'partner' && tenant.partner_account_id === principal.accountId));
    if (!visible) throw new NotFoundError(`Tenant ${tenantId}`);
    return tenant;
  }

  /** Every account the principal may see, by the same rule as `visibleAccount`. */
  async visibleAccounts(principal: Principal): Promise<AccountRow[]> {
    const managed = await this.managedTenants(principal);
    if (managed === 'all') return listAccounts(this.store);
    const candidates = await listAccounts(this.store, {
      tenantIds: managed.map((t) => t.id),
      alsoIds: [principal.accountId],
    });
    return candidates.filter((account) => this.seesInManagedTenant(principal, account, managed));
  }

  /**
   * Which audit entries the principal may read: those about what it may see. Every entry for an
   * admin; for anyone else, entries about the accounts `visibleAccounts` gives (an account's keys
   * and credentials included) and about the tenants it manages. The route names actors outside
   * `accountIds` as null.
   */
  async auditScope(principal: Principal): Promise<'all' | { accountIds: string[]; tenantIds: string[] }> {
    const managed = await this.managedTenants(principal);
    if (managed === 'all') return 'all';
    const accounts = await this.visibleAccounts(principal);
    return { accountIds: accounts.map((a) => a.id), tenantIds: managed.map((t) => t.id) };
  }

  /** The account, if the principal may see it (itself, or one in a tenant it manages); else 404. */
  async visibleAccount(principal: Principal, accountId: string): Promise<AccountRow> {
    const account = await findAccount(this.store, accountId);
    if (!account || !(await this.sees(principal, account))) throw new NotFoundError(`Account ${accountId}`);
    return account;
  }

  /**
   * The account, if the principal may change it: admins any account; partners client accounts of
   * their tenants, and themselves for keys and settings (webhooks, opt-outs); clients themselves for
   * keys and settings.
   */
  async manageableAccount(
    principal: Principal,
    accountId: string,
    what: 'keys' | 'settings' | 'account',
  ): Promise<AccountRow> {
    const account = await this.visibleAccount(principal, accountId);
    if (principal.role === 'admin') return account;
    const self = account.id === principal.accountId;
    if (self && what !== 'account') return account;
    if (principal.role === 'partner' && !self && account.role === 'client') return account;
    throw new ForbiddenError(`Not allowed to change account ${accountId}`);
  }

  /**
   * Throws unless the principal may make this change to the account's limits: its own only as an
   * admin; and below an admin, a limit an admin set may be tightened but not raised or removed
   * (403 `limit_set_by_admin`, naming the field).
   */
  checkLimitsChange(principal: Principal, account: AccountRow, change: LimitsChange): void {
    if (account.id === principal.accountId && !can(principal, 'limits:change-own')) {
      throw new ForbiddenError('An account cannot change its own limits');
    }
    if (can(principal, 'limits:set-ceilings')) return;
    const loosened = loosenedLimit(parseAdminLimits(account.admin_limits), change);
    if (loosened) {
      throw new ForbiddenError(
        `${loosened.field} was set by an admin (${loosened.ceiling}): it may be tightened, not raised or removed`,
        'limit_set_by_admin',
        loosened.field,
      );
    }
  }

  /** Checks a new account's role and tenant against what the principal may create. */
  async checkNewAccount(principal: Principal, role: string, tenantId: string | null): Promise<void> {
    requireCapability(principal, 'accounts:create', 'Clients cannot create accounts');
    if (principal.role === 'partner') {
      if (role !== 'client') throw new ForbiddenError('Partners create client accounts only');
      if (tenantId === null) throw new ForbiddenError('Partners create accounts inside one of their tenants');
    }
    if (tenantId !== null) await this.visibleTenant(principal, tenantId);
  }

  /** Whether the principal may see the account with this id (the rule of `visibleAccount`). */
  async seesAccount(principal: Principal, accountId: string): Promise<boolean> {
    const account = await findAccount(this.store, accountId);
    return account !== undefined && (await this.sees(principal, account));
  }

  /**
   * The identifier a new dialect credential of `account` gets; undefined means the gateway generates
   * one (docs/permissions.md, "Credential identifiers"). Admins choose any. For everyone else:
   * - an application key is named by the account's own tenant (the default) or, for a partner, by a
   *   tenant it manages;
   * - a login identifier (SMPP system_id, account number) is generated, or is one that an account
   *   the caller sees holds or held (re-issuing after a revocation keeps a client's configuration).
   * Anything else is refused with `identifierNotOwned`, whether the identifier is another tenant's
   * or nobody's, so that a refusal tells the caller nothing about other tenants.
   */
  async credentialIdentifier(
    principal: Principal,
    account: AccountRow,
    kind: CredentialKind,
    requested: string | undefined,
  ): Promise<string | undefined> {
    if (kind === 'application_key') {
      const identifier = requested ?? account.tenant_id ?? undefined;
      if (identifier === undefined) {
        throw new ValidationError(
          'An application key is named by a tenant id, and this account has no tenant: give identifier',
          'identifier',
        );
      }
      if (can(principal, 'credentials:any-identifier') || identifier === account.tenant_id) return identifier;
      const managed = await this.managedTenants(principal);
      if (managed !== 'all' && managed.some((tenant) => tenant.id === identifier)) return identifier;
      throw identifierNotOwned(kind);
    }
    if (requested === undefined || can(principal, 'credentials:any-identifier')) return requested;
    // The same two reads whether the identifier is taken or not, so timing tells as little as the answer.
    const [holders, visible] = await Promise.all([
      findCredentialHolders(this.store, kind, requested),
      this.visibleAccounts(principal),
    ]);
    if (holders.some((holder) => visible.some((a) => a.id === holder))) return requested;
    throw identifierNotOwned(kind);
  }

  /**
   * What to answer when a live credential already holds the identifier: a conflict when the caller
   * sees the account holding it; otherwise exactly what an identifier it does not own gets.
   */
  async credentialConflict(
    principal: Principal,
    kind: CredentialKind,
    holderAccountId: string | undefined,
  ): Promise<Error> {
    if (holderAccountId !== undefined && !(await this.seesAccount(principal, holderAccountId))) {
      return identifierNotOwned(kind);
    }
    return new ConflictError(
      `A live ${kind} credential with this identifier${kind === 'application_key' ? ' and environment' : ''} exists already`,
      'credential_exists',
    );
  }

  private async sees(principal: Principal, account: AccountRow): Promise<boolean> {
    const managed = await this.managedTenants(principal);
    return managed === 'all' || this.seesInManagedTenant(principal, account, managed);
  }

  /**
   * Itself, or — for a partner — a client account of one of its tenants; never an admin or partner
   * placed in them.
   */
  private seesInManagedTenant(
    principal: Principal,
    account: AccountRow,
    managed: readonly TenantRow[],
  ): boolean {
    if (account.id === principal.accountId) return true;
    if (principal.role !== 'partner' || account.tenant_id === null || account.role !== 'client') return false;
    return managed.some((tenant) => tenant.id === account.tenant_id);
  }
}

/** The one refusal for an identifier the caller may not use (and for one it may not see is taken). */
function identifierNotOwned(kind: CredentialKind): ForbiddenError {
  return new ForbiddenError(
    kind === 'application_key'
      ? "An application key's identifier is the account's own tenant id (or a tenant its partner manages)"
      : `This ${kind} identifier is not one of this account's: omit identifier to get a generated one, or ask an admin to assign it`,
    'identifier_not_owned',
    'identifier',
  );
}
