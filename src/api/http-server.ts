import Fastify, { type FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';
import { nativeErrorHandler } from './error-body.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerMessageRoutes } from './native/message-routes.js';

/** Builds the HTTP server: health, the native /v1 API (and, later, the dialects). */
export function buildHttpServer(gateway: Gateway): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: gateway.config.bodyLimitBytes,
    // Keep-alive clients (load balancers, SDKs) reuse connections for many requests.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    // Bad input is the caller's problem, not a crash: Fastify answers 400 for malformed URLs too.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.setErrorHandler(nativeErrorHandler(gateway.logger));
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );
  registerHealthRoutes(app, gateway);
  registerMessageRoutes(app, gateway);
  return app;
}
