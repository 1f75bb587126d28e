import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';

/**
 * `GET /metrics` (Prometheus exposition text), behind `metrics.token` when one is configured, and
 * the per-request HTTP counters. Requests are labelled by route pattern (`/v1/messages/:id`), never
 * the raw URL: ids in paths would make a series per message.
 */
export function registerMetricsRoutes(app: FastifyInstance, gateway: Gateway): void {
  const { metrics } = gateway;
  const token = gateway.config.metrics.token;
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);

  app.addHook('onResponse', async (request, reply) => {
    // 404s have no pattern; one label for them all keeps scanners from minting series.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.labels(request.method, route, String(reply.statusCode)).inc();
    metrics.httpSeconds.labels(request.method, route).observe(reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (request, reply) => {
    if (expected && !sameSecret(request.headers.authorization, expected)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="smsgate metrics"')
        .send({
          error: {
            code: 'unauthorized',
            message: 'GET /metrics needs Authorization: Bearer <metrics.token>',
          },
        });
    }
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
}

/** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
function sameSecret(given: string | undefined, expected: Buffer): boolean {
  const actual = Buffer.from(given ?? '');
  // Compared against itself when lengths differ: the same work either way.
  if (actual.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(actual, expected);
}
