import type { FastifyInstance } from 'fastify';
import { ForbiddenError } from '../../core/errors.js';
import type { Gateway } from '../../gateway.js';
import { principalOf, requireAuth } from './auth.js';

/** `GET /v1/connectors`: each upstream's state, in-flight count and counters (admin only). */
export function registerConnectorRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get('/v1/connectors', { preHandler: requireAuth(gateway) }, async (request) => {
    if (principalOf(request).role !== 'admin')
      throw new ForbiddenError('Only an admin may see the connectors');
    return { data: [...gateway.connectors.values()].map((connector) => connector.status()) };
  });
}
