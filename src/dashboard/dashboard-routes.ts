import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { credentialIdentity } from '../api/credential-identity.js';
import { toGatewayError } from '../api/gateway-errors.js';
import { renderNativeError } from '../api/native/native-dialect.js';
import { AuthenticationError, BackpressureError, ForbiddenError } from '../core/errors.js';
import type { Gateway } from '../gateway.js';
import { forwardToApi } from './api-proxy.js';
import {
  clearedCookieHeader,
  cookieHeader,
  LOGIN_CSRF_COOKIE,
  readCookie,
  SESSION_COOKIE,
} from './cookies.js';
import { CSRF_FIELD, CSRF_HEADER, csrfMatches } from './csrf.js';
import { registerCsvUpload } from './csv-upload-routes.js';
import { errorPage, loginPage, notFoundPage, pageShell, SECURITY_HEADERS } from './html.js';
import { buildOverview } from './overview.js';
import { streamOverview } from './overview-stream.js';
import { findPage, mayOpen } from './pages.js';
import { type DashboardSession, SessionStore } from './sessions.js';
import { readAsset } from './static-assets.js';

/** Dashboard-scope request bodies: forms (sign-in, sign-out) as fields; JSON kept raw for the API. */
function registerParsers(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  // Passed to the /v1 routes byte for byte: their parser and their errors decide.
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
}

const secure = (request: FastifyRequest) => request.protocol === 'https';

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.status(status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(body);
}

function apiError(reply: FastifyReply, error: Parameters<typeof renderNativeError>[0]): FastifyReply {
  const answer = renderNativeError(error);
  return reply
    .status(answer.status)
    .headers({ ...answer.headers, 'cache-control': 'no-store' })
    .type(answer.contentType)
    .send(answer.body);
}

/**
 * The web dashboard at /dashboard (docs/dashboard.md): sign-in with an API key, a session cookie
 * (HttpOnly, SameSite=Strict), a CSRF token on every state-changing request, page shells with
 * their scripts, the overview (JSON and server-sent events), and `/dashboard/api/v1/…`, which is
 * the /v1 API itself called with the session's key.
 */
export function registerDashboard(app: FastifyInstance, gateway: Gateway): void {
  const sessions = new SessionStore(gateway.auth);
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of [...streams]) stop();
  });

  void app.register(
    async (scope) => {
      registerParsers(scope);
      scope.setErrorHandler((error, request, reply) => {
        const gatewayError = toGatewayError(error, gateway.logger, request, [
          'application/json',
          'application/x-www-form-urlencoded',
        ]);
        if (request.url.startsWith('/dashboard/api/')) return apiError(reply, gatewayError);
        // A sign-in slowed down for failing too often (429) lands here too, in the API's words.
        if (gatewayError instanceof BackpressureError)
          reply.header('retry-after', String(gatewayError.retryAfterSeconds));
        return html(reply, gatewayError.status, errorPage(gatewayError.status, gatewayError.message));
      });
      scope.setNotFoundHandler((request, reply) =>
        request.url.startsWith('/dashboard/api/')
          ? reply.status(404).send({ error: { code: 'not_found', message: 'Not found' } })
          : html(reply, 404, notFoundPage()),
      );

      const sessionOf = async (request: FastifyRequest) =>
        sessions.find(readCookie(request.headers.cookie, SESSION_COOKIE));

      /** The session of a script's request, with its CSRF header checked; else answers 401/403. */
      const apiSession = async (
        request: FastifyRequest,
        reply: FastifyReply,
        needsCsrf: boolean,
      ): Promise<{ session: DashboardSession; apiKey: string } | undefined> => {
        const found = await sessionOf(request);
        if (!found) {
          apiError(reply, new AuthenticationError('Not signed in, or the session ended: sign in again'));
          return undefined;
        }
        if (needsCsrf && !csrfMatches(found.session.csrfToken, request.headers[CSRF_HEADER])) {
          apiError(reply, new ForbiddenError('Missing or wrong CSRF token', 'csrf_failed'));
          return undefined;
        }
        return found;
      };

      scope.get('/', async (_request, reply) => reply.redirect('/dashboard/overview', 303));

      // One flat directory: a name, never a path (readAsset refuses anything else anyway).
      scope.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
        const asset = await readAsset(request.params.name);
        if (!asset) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
        return reply
          .headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' })
          .type(asset.contentType)
          .send(asset.body);
      });

      scope.get('/login', async (request, reply) => {
        if (await sessionOf(request)) return reply.redirect('/dashboard/overview', 303);
        const token = randomBytes(24).toString('base64url');
        reply.header('set-cookie', cookieHeader(LOGIN_CSRF_COOKIE, token, { secure: secure(request) }));
        return html(reply, 200, loginPage(token));
      });

      scope.post('/login', async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, string | undefined>;
        const expected = readCookie(request.headers.cookie, LOGIN_CSRF_COOKIE);
        const token = randomBytes(24).toString('base64url');
        const retry = (status: number, message: string) => {
          reply.header('set-cookie', cookieHeader(LOGIN_CSRF_COOKIE, token, { secure: secure(request) }));
          return html(reply, status, loginPage(token, message));
        };
        if (expected === undefined || !csrfMatches(expected, form[CSRF_FIELD])) {
          return retry(403, 'The sign-in form expired or came from elsewhere: try again.');
        }
        const key = (form.apiKey ?? '').trim();
        if (key === '') return retry(400, 'Enter an API key.');
        // Counted under the identity the API counts this key's Bearer failures under, so failed
        // guesses here and there add up (auth-failure-limiter.ts).
        const credential = credentialIdentity({
          headers: { authorization: `Bearer ${key}` },
          params: {},
        } as unknown as FastifyRequest);
        gateway.authFailures.check(request.ip, credential);
        let session: DashboardSession;
        try {
          session = await sessions.create(key);
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw error;
          gateway.authFailures.failed(request.ip, credential);
          return retry(401, 'That API key was not accepted.');
        }
        reply.header('set-cookie', [
          cookieHeader(SESSION_COOKIE, session.id, { secure: secure(request) }),
          clearedCookieHeader(LOGIN_CSRF_COOKIE, secure(request)),
        ]);
        return reply.redirect('/dashboard/overview', 303);
      });

      scope.post('/logout', async (request, reply) => {
        const found = await sessionOf(request);
        const form = (request.body ?? {}) as Record<string, string | undefined>;
        if (found) {
          if (!csrfMatches(found.session.csrfToken, form[CSRF_FIELD])) {
            return html(
              reply,
              403,
              errorPage(403, 'Missing or wrong CSRF token: sign out from the page itself'),
            );
          }
          sessions.delete(found.session.id);
        }
        reply.header('set-cookie', clearedCookieHeader(SESSION_COOKIE, secure(request)));
        return reply.redirect('/dashboard/login', 303);
      });

      scope.get('/api/overview', async (request, reply) => {
        const found = await apiSession(request, reply, false);
        if (!found) return reply;
        return reply
          .header('cache-control', 'no-store')
          .send(await buildOverview(gateway, found.session.principal));
      });

      scope.get('/api/overview/stream', async (request, reply) => {
        const found = await apiSession(request, reply, false);
        if (!found) return reply;
        const id = found.session.id;
        streamOverview(gateway, reply, async () => (await sessions.find(id))?.session, streams);
        return reply;
      });

      // Reads carry the token too, so nothing under /v1 answers a cookie alone. One route per path
      // depth rather than a wildcard: the route table stays listable (admin-routes-auth.test.ts
      // reads it), and /v1 paths are at most five segments deep.
      const forward = async (request: FastifyRequest, reply: FastifyReply) => {
        const found = await apiSession(request, reply, true);
        if (!found) return reply;
        return forwardToApi(app, request, reply, found.apiKey);
      };
      for (let depth = 1; depth <= 5; depth++) {
        const params = Array.from({ length: depth }, (_, i) => `:p${i + 1}`).join('/');
        scope.route({
          method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
          url: `/api/v1/${params}`,
          handler: forward,
        });
      }

      registerCsvUpload(scope, gateway, (request, reply) => apiSession(request, reply, true));

      scope.get<{ Params: { page: string } }>('/:page', async (request, reply) => {
        const page = findPage(request.params.page);
        if (!page) return html(reply, 404, notFoundPage());
        const found = await sessionOf(request);
        if (!found) return reply.redirect('/dashboard/login', 303);
        const { principal, csrfToken } = found.session;
        if (!mayOpen(principal, page))
          return html(reply, 403, pageShell(page, principal, csrfToken, page.refusal));
        return html(reply, 200, pageShell(page, principal, csrfToken));
      });
    },
    { prefix: '/dashboard' },
  );
}
