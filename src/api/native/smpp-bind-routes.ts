import type { FastifyInstance } from 'fastify';
import { can } from '../../accounts/access-policy.js';
import type { Gateway } from '../../gateway.js';
import { principalOf, requireAuth } from './auth.js';

/**
 * `GET /v1/smpp/binds`: the SMPP clients bound to the gateway's SMPP server, each with its mode,
 * address, in-flight counts and counters. An admin sees every bind; an account its own.
 */
export function registerSmppBindRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get('/v1/smpp/binds', { preHandler: requireAuth(gateway) }, async (request) => {
    const principal = principalOf(request);
    const all = can(principal, 'connectors:read');
    return {
      listening: gateway.smpp.ports,
      data: gateway.smpp.status(all ? undefined : principal.accountId),
    };
  });
}
