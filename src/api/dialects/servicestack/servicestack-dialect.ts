import type { Dialect } from '../../dialect.js';
import { SERVICESTACK_PARSERS } from './body-parsers.js';
import { renderServiceStackError } from './error-rendering.js';
import { authenticateServiceStack } from './servicestack-auth.js';
import { registerServiceStackRoutes } from './servicestack-routes.js';

/**
 * The two ServiceStack services of seeds 000–002 (docs/dialects/servicestack.md): seed 000's
 * `SendSmsRequest` (`POST /communication/message/sms`) and seeds 001/002's `SMSSend` (six routes
 * under `/api`), each also on ServiceStack's predefined routes, in JSON, XML, JSV and forms, with
 * errors as `ResponseStatus` and metadata pages at `/metadata`.
 */
export const serviceStackDialect: Dialect = {
  name: 'servicestack',
  prefixes: ['/api', '/json', '/xml', '/jsv', '/communication', '/metadata'],
  parsers: SERVICESTACK_PARSERS,
  authenticate: authenticateServiceStack,
  renderError: renderServiceStackError,
  routes(scope, prefix, gateway) {
    registerServiceStackRoutes(scope, prefix, gateway, serviceStackDialect);
  },
};
