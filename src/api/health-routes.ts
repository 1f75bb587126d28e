import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Gateway } from '../gateway.js';

/** `/health` (the process answers) and `/ready` (the store answers and a connector can send). */
export function registerHealthRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const checks: Record<string, string> = {};
    try {
      await sql`select 1`.execute(gateway.store.db);
      checks.store = 'ok';
    } catch {
      checks.store = 'unreachable';
    }
    // `remote`: another node on the same database holds the binds; this one hands its messages over.
    const connectorsUp = [...gateway.connectors.values()].filter((c) => {
      const state = c.status().state;
      return state === 'up' || state === 'remote';
    }).length;
    checks.connectors = connectorsUp > 0 ? 'ok' : 'none up';
    const ready = checks.store === 'ok' && connectorsUp > 0;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
