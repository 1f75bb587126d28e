import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireCapability } from '../../accounts/access-policy.js';
import { audit } from '../../accounts/audit.js';
import type { Gateway } from '../../gateway.js';
import { routeSchema } from '../../routing/route-schema.js';
import { saveRoutes } from '../../store/queries/routes.js';
import { zodToValidationError } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';

export const tableBody = z.object({ routes: z.array(routeSchema).max(10_000) }).strict();

/**
 * The route table (admin): read it, replace it (saved in the store, used at once and after
 * restarts), or forget the saved one so the config file's table applies again.
 */
export function registerRouteRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = { preHandler: requireAuth(gateway) };
  const view = () => ({ source: gateway.routesSource, routes: gateway.router.definitions() });

  app.get('/v1/routes', auth, async (request) => {
    requireCapability(principalOf(request), 'routes:manage', 'Only an admin may see the route table');
    return view();
  });

  app.put('/v1/routes', auth, async (request) => {
    const principal = principalOf(request);
    requireCapability(principal, 'routes:manage', 'Only an admin may change the route table');
    const parsed = tableBody.safeParse(request.body ?? {});
    if (!parsed.success) throw zodToValidationError(parsed.error);
    gateway.router.validate(parsed.data.routes);
    await saveRoutes(gateway.store, parsed.data.routes, Date.now());
    gateway.router.replace(parsed.data.routes);
    gateway.routesSource = 'api';
    await audit(
      gateway.store,
      principal,
      'routes.replace',
      { type: 'routes', id: 'routes', tenantId: null },
      {
        count: parsed.data.routes.length,
      },
    );
    return view();
  });

  app.delete('/v1/routes', auth, async (request) => {
    const principal = principalOf(request);
    requireCapability(principal, 'routes:manage', 'Only an admin may change the route table');
    await saveRoutes(gateway.store, null, Date.now());
    gateway.router.replace(gateway.config.routes);
    gateway.routesSource = 'config';
    await audit(gateway.store, principal, 'routes.reset', { type: 'routes', id: 'routes', tenantId: null });
    return view();
  });
}
