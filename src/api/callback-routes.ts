import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';

/**
 * `/callbacks/<connector>`: where HTTP providers send status reports and inbound messages. Providers
 * do not hold our API keys, so these routes take no credentials; a connector may require a
 * `?token=` (its `callbackToken`), and one that does not know a connector answers 404. JSON and
 * form bodies are accepted here only.
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
        return reply.status(answer.status).send(answer.body ?? {});
      },
    });
  });
}
