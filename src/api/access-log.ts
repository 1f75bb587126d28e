import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/logger.js';

/**
 * One `debug` line per answered request: method, route pattern, status, time, and its `reqId`
 * (the id the accepted messages' history names). The route pattern rather than the URL: query
 * strings and paths carry phone numbers (`?to=+44…`, `/v1/opt-outs/+44…`). `debug`, not `info`:
 * at thousands of requests a second the lines would cost more than the requests.
 */
export function registerAccessLog(app: FastifyInstance, logger: Logger): void {
  if (!logger.isLevelEnabled('debug')) return;
  app.addHook('onResponse', async (request, reply) => {
    logger.debug(
      {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request answered',
    );
  });
}
