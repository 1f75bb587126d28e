import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../accounts/roles.js';
import { AuthenticationError } from '../../core/errors.js';
import type { Gateway } from '../../gateway.js';

const principals = new WeakMap<FastifyRequest, Principal>();

/** A preHandler that authenticates the request (Bearer or Basic) and remembers who it is. */
export function requireAuth(gateway: Gateway) {
  return async (request: FastifyRequest): Promise<void> => {
    gateway.authFailures.check(request.ip);
    try {
      principals.set(request, await gateway.auth.fromAuthorizationHeader(request.headers.authorization));
    } catch (error) {
      if (error instanceof AuthenticationError) gateway.authFailures.failed(request.ip);
      throw error;
    }
  };
}

/** The authenticated caller of a request that passed `requireAuth`. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error('route is missing requireAuth');
  return principal;
}
