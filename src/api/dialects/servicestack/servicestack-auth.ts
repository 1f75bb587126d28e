import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/roles.js';
import { AuthenticationError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';

/**
 * Who calls, from the credentials ServiceStack clients send: `X-Api-Key: <key>` (v8's
 * ApiKeysFeature, checked first as it does), else `Authorization: Bearer <key>`, Basic with the key
 * as user name and an empty password (ApiKeyAuthProvider), or Basic `<account id>:<key>` (the
 * gateway's own). Keys are checked by the shared Authenticator (hash, constant time).
 */
export function authenticateServiceStack(request: FastifyRequest, gateway: Gateway): Promise<Principal> {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return gateway.auth.fromApiKey(apiKey.trim());
  const authorization = request.headers.authorization;
  if (!authorization) {
    throw new AuthenticationError(
      'Not Authenticated: send an API key as "Authorization: Bearer <key>", Basic auth (<key> with an empty password, or <account id>:<key>) or "X-Api-Key: <key>"',
    );
  }
  return gateway.auth.fromAuthorizationHeader(authorization, { basicKeyAsUserName: true });
}
