import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';

const CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A change to settings through the native API (accounts, keys, credentials, limits, prices,
 * routes, sender numbers, webhook settings) is told to the other nodes on the same database, which
 * drop or reload their caches of them (store/change-feed.ts). Sends and cancels are not settings.
 */
export function tellOtherNodesOfSettingChanges(app: FastifyInstance, gateway: Gateway): void {
  app.addHook('onResponse', async (request, reply) => {
    if (!CHANGING_METHODS.has(request.method) || reply.statusCode >= 400) return;
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/v1/') || path.startsWith('/v1/messages')) return;
    await gateway.changes.publish('settings');
  });
}
