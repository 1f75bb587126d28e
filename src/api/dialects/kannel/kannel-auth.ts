import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/roles.js';
import { AuthenticationError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import { dialectCredentialCheck } from '../../dialect-credential-check.js';
import { type KannelParams, kannelParams, paramText } from './kannel-params.js';

interface KannelCaller {
  readonly params: KannelParams;
  readonly username: string;
}

const callers = new WeakMap<FastifyRequest, KannelCaller>();

/** The request's parameters, read once (authentication needs them before the handler does). */
export function paramsOf(request: FastifyRequest): KannelParams {
  const known = callers.get(request)?.params;
  return known ?? kannelParams(request);
}

/** The username a request gives (`username`, or the older `user`), for the failed-auth limiter. */
export function kannelUsername(request: FastifyRequest): string {
  try {
    return paramText(paramsOf(request), 'username', 'user') ?? '';
  } catch {
    return '';
  }
}

/**
 * Kannel's sendsms-user check: `username`/`user` and `password`/`pass` (or `X-Kannel-Username` and
 * `X-Kannel-Password` on a POST) against the live `kannel` credential of that username. Any
 * failure is Kannel's one answer, `403 Authorization failed for sendsms`.
 */
export async function authenticateKannel(request: FastifyRequest, gateway: Gateway): Promise<Principal> {
  const params = kannelParams(request);
  const username = paramText(params, 'username', 'user');
  const password = paramText(params, 'password', 'pass');
  if (!username || password === undefined) throw new AuthenticationError('Authorization failed for sendsms');
  const { principal } = await dialectCredentialCheck(gateway, 'kannel').verify(username, password);
  callers.set(request, { params, username });
  return principal;
}

/** The username a request authenticated with (after `dialectAuth`). */
export function kannelCallerOf(request: FastifyRequest): KannelCaller {
  const caller = callers.get(request);
  if (!caller) throw new Error('route is missing its Kannel authentication');
  return caller;
}
