import type { FastifyRequest } from 'fastify';

/**
 * The public part of the credentials a request carries, for counting failed authentications per
 * credential: an API key's prefix (`sk_<10 characters>`, never its secret part), a Basic user
 * name, an `X-Api-Key`'s prefix, else the route's identifying parameters (an account number in
 * the path). Empty when there is none (those failures count together).
 */
export function credentialIdentity(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const [scheme, value = ''] = header.trim().split(/\s+/, 2);
    if (/^bearer$/i.test(scheme ?? '')) return `key:${keyPrefix(value)}`;
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
      return `user:${keyPrefix(user)}`;
    }
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string') return `key:${keyPrefix(apiKey)}`;
  const params = request.params as Record<string, unknown> | undefined;
  const named =
    params && typeof params === 'object' ? Object.values(params).filter((v) => typeof v === 'string') : [];
  return named.length > 0 ? `path:${named.join('/')}` : '';
}

/** An API key up to its second underscore (its public id); anything else as it is, bounded. */
function keyPrefix(value: string): string {
  const match = /^(sk_[A-Za-z0-9]+)_/.exec(value);
  return (match ? match[1]! : value).slice(0, 64);
}
