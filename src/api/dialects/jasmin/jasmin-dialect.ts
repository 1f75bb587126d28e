import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Gateway } from '../../../gateway.js';
import type { Dialect, DialectReply } from '../../dialect.js';
import { parseForm } from '../../formats/form.js';
import { parseJsonBody } from '../../formats/json.js';
import { authenticateJasmin, isRest, jasminUsername } from './jasmin-auth.js';
import { jasminError, renderJasminError } from './jasmin-replies.js';
import { registerJasminRestRoutes } from './jasmin-rest-routes.js';
import { registerJasminHttpRoutes } from './jasmin-routes.js';

/**
 * Jasmin's HTTP API (`/send`, `/balance`, `/rate` at the root) and REST API (`/secure/send`,
 * `/secure/sendbatch`, `/secure/balance`, `/secure/rate`), docs/dialects/jasmin.md: Jasmin's
 * arguments and answers (`Success "<id>"`, `Error "…"` with 400/403/412/500), DLRs per
 * `dlr-level` through the webhook outbox (`jasmin` payload format), retried until the receiver
 * answers `ACK/Jasmin`.
 */
export const jasminDialect: Dialect = {
  name: 'jasmin',
  prefixes: ['', '/secure'],
  parsers: [
    { contentTypes: ['application/x-www-form-urlencoded'], parse: (body) => parseForm(body) },
    { contentTypes: ['application/json'], parse: (body) => parseJsonBody(body) },
  ],
  authenticate: (request: FastifyRequest, gateway: Gateway) => authenticateJasmin(request, gateway),
  renderError(error, request): DialectReply {
    const username = jasminUsername(request);
    if (!isRest(request)) return renderJasminError(error, username);
    const { status, message } = jasminError(error, username);
    return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ message }) };
  },
  identify: (request) => `jasmin:${jasminUsername(request).slice(0, 64)}`,
  routes(scope: FastifyInstance, prefix: string, gateway: Gateway) {
    if (prefix === '/secure') registerJasminRestRoutes(scope, gateway, jasminDialect);
    else registerJasminHttpRoutes(scope, gateway, jasminDialect);
  },
};
