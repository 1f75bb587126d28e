import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/roles.js';
import { AuthenticationError, ForbiddenError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import type { CredentialRow } from '../../../store/queries/credentials.js';
import { dialectCredentialCheck } from '../../dialect-credential-check.js';

/** The Basic credentials of a request, or undefined when it has none (or not Basic). */
export function basicCredentials(request: FastifyRequest): { user: string; password: string } | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const credentialsOfRequests = new WeakMap<FastifyRequest, CredentialRow>();

/**
 * Twilio's authentication: HTTP Basic with the account SID as user name and the auth token as
 * password, checked against the live `twilio` credential of that SID. The SID in the path must be
 * the caller's own: another account's is a 403 (Twilio's 20403), as Twilio refuses a subresource
 * of an account the credentials do not open.
 */
export async function authenticateTwilio(request: FastifyRequest, gateway: Gateway): Promise<Principal> {
  const basic = basicCredentials(request);
  if (!basic) throw new AuthenticationError('Send the account SID and auth token with HTTP Basic');
  const { principal, credential } = await dialectCredentialCheck(gateway, 'twilio').verify(
    basic.user,
    basic.password,
  );
  const { accountSid } = request.params as { accountSid?: string };
  if (accountSid !== undefined && accountSid !== credential.identifier) {
    throw new ForbiddenError(`The credentials given do not open account ${accountSid}`);
  }
  credentialsOfRequests.set(request, credential);
  return principal;
}

/** The `twilio` credential a request authenticated with (after `dialectAuth`). */
export function twilioCredentialOf(request: FastifyRequest): CredentialRow {
  const credential = credentialsOfRequests.get(request);
  if (!credential) throw new Error('route is missing its Twilio authentication');
  return credential;
}
