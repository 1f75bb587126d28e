import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BackpressureError, type GatewayError } from '../../core/errors.js';
import type { Gateway } from '../../gateway.js';
import type { Dialect, DialectReply } from '../dialect.js';
import type { ErrorBody } from '../error-body.js';
import { parseJsonBody } from '../formats/json.js';
import { registerAdminRoutes } from './admin-routes.js';
import { authenticateNative } from './auth.js';
import { registerBatchRoutes } from './batch-routes.js';
import { registerCampaignRoutes } from './campaign-routes.js';
import { registerConnectorRoutes } from './connector-routes.js';
import { registerInboundRoutes } from './inbound-routes.js';
import { registerMessageRoutes } from './message-routes.js';
import { registerNumberRoutes } from './number-routes.js';
import { registerRouteRoutes } from './route-routes.js';
import { registerSmppBindRoutes } from './smpp-bind-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';

/** The native error body for a GatewayError, with `Retry-After` and `WWW-Authenticate` where due. */
export function renderNativeError(error: GatewayError): DialectReply {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.field !== undefined) body.error.field = error.field;
  const headers: Record<string, string> = {};
  if (error instanceof BackpressureError) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error.status === 401) headers['www-authenticate'] = 'Bearer realm="smsgate"';
  return {
    status: error.status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(body),
    headers,
  };
}

/**
 * The gateway's own REST API, `/v1` (docs/api.md): JSON only, Bearer or Basic API keys, errors as
 * `{"error":{"code","message","field"}}`. It owns the root, so its 404 answers every path no other
 * dialect claims.
 */
export const nativeDialect: Dialect = {
  name: 'native',
  prefixes: [''],
  parsers: [{ contentTypes: ['application/json'], parse: (body) => parseJsonBody(body) }],
  authenticate: (request: FastifyRequest, gateway: Gateway) => authenticateNative(request, gateway),
  renderError: (error) => renderNativeError(error),
  routes(scope: FastifyInstance, _prefix: string, gateway: Gateway) {
    registerMessageRoutes(scope, gateway);
    registerBatchRoutes(scope, gateway);
    registerConnectorRoutes(scope, gateway);
    registerSmppBindRoutes(scope, gateway);
    registerAdminRoutes(scope, gateway);
    registerWebhookRoutes(scope, gateway);
    registerInboundRoutes(scope, gateway);
    registerRouteRoutes(scope, gateway);
    registerNumberRoutes(scope, gateway);
    registerCampaignRoutes(scope, gateway);
  },
};
