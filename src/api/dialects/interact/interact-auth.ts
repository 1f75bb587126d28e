import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/roles.js';
import { AuthenticationError } from '../../../core/errors.js';
import type { DialectCredentialCheck } from '../../dialect-credential-check.js';

/**
 * What the `Unauthenticated-Reason` header of a 401 says. Wrong credentials get one reason whatever
 * was wrong (tenant, key, environment, disabled account), so it tells nobody which tenants exist.
 */
export const UNAUTHENTICATED_REASONS = {
  missingTenant: 'Tenant-Id header is missing',
  missingKey: 'Application-Key header is missing',
  wrongCredentials: 'Tenant-Id, Application-Key or Environment-Name is wrong',
  otherAccount: 'the account in the path is not the one of these credentials',
} as const;
export type UnauthenticatedReason = (typeof UNAUTHENTICATED_REASONS)[keyof typeof UNAUTHENTICATED_REASONS];

/** A 401 of the Interact API, with the reason its `Unauthenticated-Reason` header gives. */
export class InteractAuthError extends AuthenticationError {
  constructor(readonly reason: UnauthenticatedReason) {
    super(`Request is unauthorized: ${reason}`);
  }
}

/** A header's value when sent once and not blank. */
function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Who calls the Interact API: `Tenant-Id` and `Application-Key` checked against the live
 * `application_key` credential of that tenant in the `Environment-Name` environment (absent: the
 * default one, `''`), through the verified-credential cache (scrypt per request held the API to
 * a few dozen sends a second). On the REST paths the account in the path must be the caller's
 * own, by its account id or by the Tenant-Id.
 */
export async function authenticateInteract(
  request: FastifyRequest,
  credentials: DialectCredentialCheck,
): Promise<Principal> {
  const tenantId = header(request, 'tenant-id');
  if (tenantId === undefined) throw new InteractAuthError(UNAUTHENTICATED_REASONS.missingTenant);
  const key = header(request, 'application-key');
  if (key === undefined) throw new InteractAuthError(UNAUTHENTICATED_REASONS.missingKey);
  const environment = header(request, 'environment-name') ?? '';
  let principal: Principal;
  try {
    ({ principal } = await credentials.verify(tenantId, key, environment));
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new InteractAuthError(UNAUTHENTICATED_REASONS.wrongCredentials);
    }
    throw error;
  }
  const pathAccount = (request.params as { accountId?: unknown } | undefined)?.accountId;
  if (typeof pathAccount === 'string' && pathAccount !== principal.accountId && pathAccount !== tenantId) {
    throw new InteractAuthError(UNAUTHENTICATED_REASONS.otherAccount);
  }
  return principal;
}
