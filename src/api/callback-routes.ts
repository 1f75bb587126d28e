import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';

/**
 * `/callbacks/<connector>`: where HTTP providers send status reports and inbound messages. Providers
 * do not hold our API keys; each connector checks its own callback credential (a `?token=`, or the
 * provider's signature) and answers 401 without it. Failed attempts count against the caller's
 * address like failed API keys (429 past the limit), so a token cannot be guessed. An unknown
 * connector answers 404. JSON and form bodies are accepted here only.
 */
export async function registerCallbackRoutes(app: FastifyInstance, gateway: Gateway): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.route<{ Params: { connector: string }; Querystring: Record<string, string> }>({
      method: ['GET', 'POST'],
      url: '/callbacks/:connector',
      handler: async (request, reply) => {
        const credential = `callback:${request.params.connector}`;
        gateway.authFailures.check(request.ip, credential);
        const connector = gateway.connectors.get(request.params.connector);
        if (!connector?.handleCallback) {
          return reply
            .status(404)
            .send({ error: { code: 'not_found', message: 'No such callback endpoint' } });
        }
        const answer = await connector.handleCallback({
          method: request.method,
          query: request.query ?? {},
          headers: request.headers,
          body: request.body,
        });
        if (answer.status === 401) gateway.authFailures.failed(request.ip, credential);
        return reply.status(answer.status).send(answer.body ?? {});
      },
    });
  });
}
