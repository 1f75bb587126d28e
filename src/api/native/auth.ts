import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../accounts/roles.js';
import type { Gateway } from '../../gateway.js';
import { dialectAuth, principalOf } from '../dialect.js';
import { nativeDialect } from './native-dialect.js';

/** Who calls the native API: `Authorization: Bearer <api key>` or Basic `<account id>:<api key>`. */
export function authenticateNative(request: FastifyRequest, gateway: Gateway): Promise<Principal> {
  return gateway.auth.fromAuthorizationHeader(request.headers.authorization);
}

/** A preHandler that authenticates a native request and remembers who it is. */
export function requireAuth(gateway: Gateway) {
  return dialectAuth(nativeDialect, gateway);
}

export { principalOf };
