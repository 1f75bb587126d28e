import type { AccessPolicy } from '../../accounts/access-policy.js';
import type { Principal } from '../../accounts/roles.js';

/**
 * The accounts whose events and inbound messages a caller may list: undefined (no limit) for an
 * admin, else the accounts it can see (itself, and a partner's tenants' clients).
 */
export async function listScope(policy: AccessPolicy, principal: Principal): Promise<string[] | undefined> {
  if (principal.role === 'admin') return undefined;
  return (await policy.visibleAccounts(principal)).map((a) => a.id);
}
