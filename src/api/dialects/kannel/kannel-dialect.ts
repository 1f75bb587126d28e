import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Gateway } from '../../../gateway.js';
import type { Dialect } from '../../dialect.js';
import { authenticateKannel, kannelUsername } from './kannel-auth.js';
import { renderKannelError } from './kannel-replies.js';
import { registerKannelRoutes } from './kannel-routes.js';

/** POST bodies are read as bytes: the text's charset is a parameter, decoded once all are known. */
const RAW_BODY = (body: Buffer) => body;

/**
 * Kannel's smsbox HTTP interface (docs/dialects/kannel.md): `GET|POST /cgi-bin/sendsms` with the
 * parameters of Kannel's user guide, its exact reply codes and bodies, and `dlr-url` callbacks
 * with Kannel's `%` escapes for the `dlr-mask` bits (the `kannel` payload format). Served on the
 * main port and, when `kannel.port` is set, on a listener of its own (Kannel's 13013).
 */
export const kannelDialect: Dialect = {
  name: 'kannel',
  prefixes: ['/cgi-bin'],
  parsers: [
    {
      contentTypes: [
        'text/plain',
        'text/html',
        'application/octet-stream',
        'application/x-www-form-urlencoded',
        'text/xml',
      ],
      parse: RAW_BODY,
    },
  ],
  authenticate: (request: FastifyRequest, gateway: Gateway) => authenticateKannel(request, gateway),
  renderError: (error) => renderKannelError(error),
  identify: (request) => `kannel:${kannelUsername(request).slice(0, 64)}`,
  routes(scope: FastifyInstance, _prefix: string, gateway: Gateway) {
    registerKannelRoutes(scope, gateway, kannelDialect);
  },
};
