import type { FastifyInstance } from 'fastify';
import { requireCapability } from '../../accounts/access-policy.js';
import type { Gateway } from '../../gateway.js';
import { principalOf, requireAuth } from './auth.js';

/** `GET /v1/connectors`: each upstream's state, in-flight count and counters (admin only). */
export function registerConnectorRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get('/v1/connectors', { preHandler: requireAuth(gateway) }, async (request) => {
    requireCapability(principalOf(request), 'connectors:read', 'Only an admin may see the connectors');
    return { data: [...gateway.connectors.values()].map((connector) => connector.status()) };
  });
}
