import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Gateway } from '../gateway.js';
import { registerCallbackRoutes } from './callback-routes.js';
import { clientErrorHandler } from './client-error.js';
import { nativeErrorHandler, toErrorResponse } from './error-body.js';
import { registerHealthRoutes } from './health-routes.js';
import { rejectUnsafeInput, strictJsonParser } from './input-safety.js';
import { registerAdminRoutes } from './native/admin-routes.js';
import { registerConnectorRoutes } from './native/connector-routes.js';
import { registerInboundRoutes } from './native/inbound-routes.js';
import { registerMessageRoutes } from './native/message-routes.js';
import { registerNumberRoutes } from './native/number-routes.js';
import { registerRouteRoutes } from './native/route-routes.js';
import { registerWebhookRoutes } from './native/webhook-routes.js';

/** Builds the HTTP server: health, the native /v1 API (and, later, the dialects). */
export function buildHttpServer(gateway: Gateway): FastifyInstance {
  const { http } = gateway.config;
  const app = Fastify({
    logger: false,
    bodyLimit: gateway.config.bodyLimitBytes,
    // Keep-alive clients (load balancers, SDKs) reuse connections for many requests.
    keepAliveTimeout: 65_000,
    // Slow or silent clients must not hold connections: Fastify's default (0) turns Node's request
    // timeout off, so a body trickling a byte at a time was never cut.
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default): keep it well below them.
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1000, Math.floor(Math.min(http.headersTimeoutMs, http.requestTimeoutMs) / 10)),
      ),
    },
    clientErrorHandler: clientErrorHandler(http),
    return503OnClosing: true,
    // Bad input is the caller's problem, not a crash: Fastify answers 400 for malformed URLs too.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors Fastify raises before routing (a malformed URL, an over-long path) in our error shape too.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = toErrorResponse(error, gateway.logger);
      void (reply as FastifyReply).status(status).send(body);
    },
  });
  // Only the content types a route declares are accepted: text/plain is not JSON, so 415 it.
  app.removeContentTypeParser('text/plain');
  // JSON is UTF-8: bytes that are not are a 400, not silently replaced characters.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser(app));
  app.addHook('preValidation', rejectUnsafeInput);
  app.setErrorHandler(nativeErrorHandler(gateway.logger));
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );
  registerHealthRoutes(app, gateway);
  registerMessageRoutes(app, gateway);
  registerConnectorRoutes(app, gateway);
  registerAdminRoutes(app, gateway);
  registerWebhookRoutes(app, gateway);
  registerInboundRoutes(app, gateway);
  registerRouteRoutes(app, gateway);
  registerNumberRoutes(app, gateway);
  void registerCallbackRoutes(app, gateway);
  return app;
}
