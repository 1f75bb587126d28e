import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Gateway } from '../../../gateway.js';
import type { Dialect } from '../../dialect.js';
import { parseForm } from '../../formats/form.js';
import { authenticateTwilio, basicCredentials } from './twilio-auth.js';
import { renderTwilioError } from './twilio-errors.js';
import { registerTwilioRoutes } from './twilio-routes.js';

/**
 * Twilio's Messages API (docs/dialects/twilio.md) under `/2010-04-01`: send, fetch, list and cancel
 * with Basic auth by account SID and auth token (`twilio` credentials), form bodies, Twilio's
 * message JSON and error JSON; status callbacks signed with `X-Twilio-Signature` through the
 * webhook outbox (`twilio` payload format). An application using a Twilio library changes only
 * the base URL.
 */
export const twilioDialect: Dialect = {
  name: 'twilio',
  prefixes: ['/2010-04-01'],
  parsers: [{ contentTypes: ['application/x-www-form-urlencoded'], parse: (body) => parseForm(body) }],
  authenticate: (request: FastifyRequest, gateway: Gateway) => authenticateTwilio(request, gateway),
  renderError: (error) => renderTwilioError(error),
  identify: (request) => `twilio:${(basicCredentials(request)?.user ?? '').slice(0, 64)}`,
  routes(scope: FastifyInstance, _prefix: string, gateway: Gateway) {
    registerTwilioRoutes(scope, gateway, twilioDialect);
  },
};
