import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { runInRequestContext } from '../core/request-context.js';
import { registerDashboard } from '../dashboard/dashboard-routes.js';
import type { Gateway } from '../gateway.js';
import { registerAccessLog } from './access-log.js';
import { registerCallbackRoutes } from './callback-routes.js';
import { clientErrorHandler } from './client-error.js';
import { registerDialect } from './dialect.js';
import { DIALECTS } from './dialects.js';
import { nativeErrorHandler } from './error-body.js';
import { frameworkErrorHandler } from './framework-errors.js';
import { RouteNotFoundError } from './gateway-errors.js';
import { registerHealthRoutes } from './health-routes.js';
import { rejectUnsafeInput, strictJsonParser } from './input-safety.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import { renderNativeError } from './native/native-dialect.js';
import { registerDocsRoutes } from './openapi/docs-routes.js';
import { recordRoutes } from './route-list.js';
import { tellOtherNodesOfSettingChanges } from './settings-changes.js';

/** Builds the HTTP server: health, provider callbacks, every API dialect (native `/v1` first), the dashboard. */
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
    // Behind a reverse proxy every client shares its address; trusted hops say who the client is.
    trustProxy: gateway.config.trustProxy.length > 0 ? [...gateway.config.trustProxy] : false,
    return503OnClosing: true,
    // A caller's own `X-Request-Id` (a proxy's, a client's) when it is sane, so its logs and ours
    // meet; otherwise one of ours, unique across restarts and nodes (Fastify's own counts from 1).
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:@/-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // Bad input is the caller's problem, not a crash: Fastify answers 400 for malformed URLs too.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors Fastify raises before routing (a malformed URL, an over-long path) in the shape of
    // the dialect owning the path, like every other error.
    frameworkErrors: (error, request, reply) =>
      frameworkErrorHandler(DIALECTS, gateway.logger)(
        error,
        request as FastifyRequest,
        reply as FastifyReply,
      ),
  });
  recordRoutes(app);
  // Only the content types a route declares are accepted: text/plain is not JSON, so 415 it.
  app.removeContentTypeParser('text/plain');
  // JSON is UTF-8: bytes that are not are a 400, not silently replaced characters.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser(app));
  app.addHook('preValidation', rejectUnsafeInput);
  // Everything the request causes below the API (the accept path, its log lines) knows its id; a
  // dialect's scope names itself (dialect.ts). Callback-style: `run` must wrap the rest of the
  // request's lifecycle, which Fastify continues from `done`.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    runInRequestContext({ requestId: request.id, dialect: 'native' }, done);
  });
  // The port is bound before the gateway has finished starting: until then, ask to come back.
  app.addHook('onRequest', async (_request, reply) => {
    if (gateway.isStarted) return;
    void reply
      .status(503)
      .header('retry-after', '1')
      .type('application/json; charset=utf-8')
      .send({ error: { code: 'starting', message: 'smsgate is starting; retry in a moment' } });
    return reply;
  });
  tellOtherNodesOfSettingChanges(app, gateway);
  app.setErrorHandler(nativeErrorHandler(gateway.logger));
  // A path no dialect claims: the native 404.
  app.setNotFoundHandler((request, reply) => {
    const answer = renderNativeError(new RouteNotFoundError(request.method, request.url.split('?')[0] ?? ''));
    return reply.status(answer.status).type(answer.contentType).send(answer.body);
  });
  registerHealthRoutes(app, gateway);
  registerAccessLog(app, gateway.logger);
  registerMetricsRoutes(app, gateway);
  registerDocsRoutes(app);
  for (const dialect of DIALECTS) registerDialect(app, gateway, dialect);
  // The web dashboard: pages and a session-authenticated way into the /v1 routes above.
  registerDashboard(app, gateway);
  void registerCallbackRoutes(app, gateway);
  return app;
}
