import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../accounts/roles.js';
import { AuthenticationError, type GatewayError } from '../core/errors.js';
import { currentRequestContext } from '../core/request-context.js';
import type { Gateway } from '../gateway.js';
import { credentialIdentity } from './credential-identity.js';
import { RouteNotFoundError, toGatewayError } from './gateway-errors.js';

/** A body format a dialect reads: its content types, and how raw bytes become a value. */
export interface BodyParser {
  readonly contentTypes: readonly string[];
  /** Reads the body; throws a GatewayError (400, 415 …) for one it cannot read. */
  parse(body: Buffer, request: FastifyRequest): unknown;
}

/** An answer in a dialect's own words: status, content type, body, and any headers. */
export interface DialectReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One HTTP API the gateway speaks (its own `/v1`, ServiceStack's, the `sms/send` form API, the
 * Interact campaign API, …). Each is registered in its own Fastify scope per path prefix, with its
 * own body parsers, error shape, 404 and authentication; its routes call the message service.
 * `test/api/dialects/dialect-conformance.test.ts` runs the same cases over every dialect.
 */
export interface Dialect {
  /** For logs and the conformance suite: `native`, `servicestack`, … */
  readonly name: string;
  /**
   * The path prefixes it owns (`/api`, `/interact`). Unknown paths under them get its 404. `''`
   * is the root: routes registered there share the root's 404 (the native one).
   */
  readonly prefixes: readonly string[];
  /** What bodies it accepts; any other content type is a 415 in its shape. */
  readonly parsers: readonly BodyParser[];
  /**
   * Who is calling, from whatever the dialect's callers send (Bearer, Basic, form fields,
   * headers). Throws AuthenticationError (401) when the credentials are missing or wrong.
   */
  authenticate(request: FastifyRequest, gateway: Gateway): Promise<Principal>;
  /** Any error raised while handling one of its requests, in its shape (never a stack trace). */
  renderError(error: GatewayError, request: FastifyRequest): DialectReply;
  /**
   * The public part of the credentials a request carries (a user name, an account number — never
   * a secret), so failed authentications are counted per credential; defaults to
   * `credentialIdentity` (API key prefix, Basic user name, path parameters).
   */
  identify?(request: FastifyRequest): string;
  /** Registers its routes in the scope of one of its prefixes (paths relative to it). */
  routes(scope: FastifyInstance, prefix: string, gateway: Gateway): void;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/**
 * A preHandler authenticating with the dialect's extractor: a credential that keeps failing from
 * an address is slowed down (429) before it is looked at, as on every API (auth-failure-limiter.ts).
 */
export function dialectAuth(dialect: Dialect, gateway: Gateway) {
  return async (request: FastifyRequest): Promise<void> => {
    const credential = dialect.identify?.(request) ?? credentialIdentity(request);
    gateway.authFailures.check(request.ip, credential);
    try {
      principals.set(request, await dialect.authenticate(request, gateway));
    } catch (error) {
      if (error instanceof AuthenticationError) gateway.authFailures.failed(request.ip, credential);
      throw error;
    }
  };
}

/** The caller of a request that passed `dialectAuth` (or the native `requireAuth`). */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error('route is missing its authentication preHandler');
  return principal;
}

/** Remembers the caller of a request authenticated some other way (the native API's preHandler). */
export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request, principal);
}

/** Sends a DialectReply. */
export function sendReply(reply: FastifyReply, answer: DialectReply): FastifyReply {
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  return reply.status(answer.status).type(answer.contentType).send(answer.body);
}

/** Registers a dialect: one scope per prefix with its parsers, its error shape and its 404. */
export function registerDialect(app: FastifyInstance, gateway: Gateway, dialect: Dialect): void {
  for (const prefix of dialect.prefixes) {
    void app.register(
      async (scope) => {
        scope.removeAllContentTypeParsers();
        for (const parser of dialect.parsers) {
          scope.addContentTypeParser(
            [...parser.contentTypes],
            { parseAs: 'buffer' },
            (request, body, done) => {
              let value: unknown;
              try {
                value = parser.parse(body as Buffer, request);
              } catch (error) {
                done(error as Error);
                return;
              }
              done(null, value);
            },
          );
        }
        // What the accept path counts and records this request's messages under (metrics, history).
        scope.addHook('onRequest', async () => {
          const context = currentRequestContext();
          if (context) context.dialect = dialect.name;
        });
        const accepted = dialect.parsers.flatMap((parser) => parser.contentTypes);
        scope.setErrorHandler((error, request, reply) =>
          sendReply(
            reply,
            dialect.renderError(toGatewayError(error, gateway.logger, request, accepted), request),
          ),
        );
        if (prefix !== '') {
          scope.setNotFoundHandler((request, reply) =>
            sendReply(
              reply,
              dialect.renderError(
                new RouteNotFoundError(request.method, request.url.split('?')[0] ?? ''),
                request,
              ),
            ),
          );
        }
        dialect.routes(scope, prefix, gateway);
      },
      { prefix },
    );
  }
}
