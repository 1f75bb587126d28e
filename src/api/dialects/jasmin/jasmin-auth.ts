import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/roles.js';
import { AuthenticationError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import { dialectCredentialCheck } from '../../dialect-credential-check.js';
import { basicCredentials } from '../twilio/twilio-auth.js';
import { type JasminArgs, jasminArgs } from './jasmin-params.js';

interface JasminCaller {
  readonly args: JasminArgs;
  readonly username: string;
}

const callers = new WeakMap<FastifyRequest, JasminCaller>();

/** Whether a path is the REST API's (`/secure/…`, Basic auth and JSON) rather than the HTTP API's. */
export function isRest(request: FastifyRequest): boolean {
  return request.url.startsWith('/secure/');
}

/** The username a request gives: the `username` argument, or the REST API's Basic user. */
export function jasminUsername(request: FastifyRequest): string {
  if (isRest(request)) return basicCredentials(request)?.user ?? '';
  try {
    return jasminArgs(request).get('username') ?? '';
  } catch {
    return '';
  }
}

/**
 * A Jasmin user's check: `username` and `password` arguments (HTTP API) or HTTP Basic (REST API)
 * against the live `jasmin` credential of that username. Missing credentials are Jasmin's
 * `Mandatory argument … is not found.`; wrong ones its `Authentication failure for username:…`.
 */
export async function authenticateJasmin(request: FastifyRequest, gateway: Gateway): Promise<Principal> {
  let username: string | undefined;
  let password: string | undefined;
  let args: JasminArgs = new Map();
  if (isRest(request)) {
    const basic = basicCredentials(request);
    username = basic?.user;
    password = basic?.password;
  } else {
    args = jasminArgs(request);
    username = args.get('username');
    password = args.get('password');
  }
  if (!username || password === undefined)
    throw new AuthenticationError('Authentication failure for username:');
  const { principal } = await dialectCredentialCheck(gateway, 'jasmin').verify(username, password);
  callers.set(request, { args, username });
  return principal;
}

/** The arguments and username of a request that authenticated (after `dialectAuth`). */
export function jasminCallerOf(request: FastifyRequest): JasminCaller {
  const caller = callers.get(request);
  if (!caller) throw new Error('route is missing its Jasmin authentication');
  return caller;
}
