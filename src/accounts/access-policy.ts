import { ForbiddenError, NotFoundError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { type AccountRow, findAccount, listAccounts } from '../store/queries/accounts.js';
import { findTenant, listTenants, type TenantRow } from '../store/queries/tenants.js';
import type { Principal, Role } from './roles.js';

/**
 * The permission matrix (docs/permissions.md), enforced here and nowhere else:
 *
 * - admin: everything, every tenant.
 * - partner: creates tenants (which it then manages); reads and manages the client accounts of its
 *   tenants and their keys; its own account and keys; the audit entries of its tenants.
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
  'prices:read': ['admin', 'partner'],
  'prices:write': ['admin'],
  'audit:read': ['admin', 'partner'],
  'connectors:read': ['admin'],
  'queue:read': ['admin'],
  'messages:count-all-accounts': ['admin'],
  'webhooks:read-all': ['admin'],
  'connectors:simulate-inbound': ['admin'],
  'routes:manage': ['admin'],
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

export class AccessPolicy {
  constructor(private readonly store: Store) {}

  /** Tenants the principal manages: every one for an admin, its own for a partner, none for a client. */
  async managedTenants(principal: Principal): Promise<TenantRow[] | 'all'> {
    if (principal.role === 'admin') return 'all';
    if (principal.role === 'partner') return listTenants(this.store, principal.accountId);
    return [];
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

  /** Checks a new account's role and tenant against what the principal may create. */
  async checkNewAccount(principal: Principal, role: string, tenantId: string | null): Promise<void> {
    requireCapability(principal, 'accounts:create', 'Clients cannot create accounts');
    if (principal.role === 'partner') {
      if (role !== 'client') throw new ForbiddenError('Partners create client accounts only');
      if (tenantId === null) throw new ForbiddenError('Partners create accounts inside one of their tenants');
    }
    if (tenantId !== null) await this.visibleTenant(principal, tenantId);
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
