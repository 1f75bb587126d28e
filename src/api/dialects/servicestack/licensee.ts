import { AccessPolicy } from '../../../accounts/access-policy.js';
import { tenantIdOfLicensee } from '../../../accounts/licensee-ids.js';
import type { Principal } from '../../../accounts/roles.js';
import { ForbiddenError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';

/**
 * Enforces `LicenseeId` (the tenant a request is for, by its licensee id): absent means the
 * caller's own; its own tenant, a tenant a partner manages or, for an admin, any tenant is allowed
 * (`AccessPolicy.actsForTenant`). Anything else is 403, with the same answer whether the tenant
 * exists or not. The messages are the caller's account's in every case.
 */
export async function enforceLicensee(
  gateway: Gateway,
  principal: Principal,
  licenseeId: string | undefined,
  field: string,
): Promise<void> {
  if (licenseeId === undefined) return;
  const allowed = await new AccessPolicy(gateway.store).actsForTenant(
    principal,
    tenantIdOfLicensee(licenseeId),
  );
  if (!allowed) {
    throw new ForbiddenError(
      `${field} is not a licensee this account may send for (your own tenant, or one your partner account manages)`,
      'licensee_not_allowed',
      field,
    );
  }
}
