import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Request headers the dashboard's scripts may pass on to the API (never cookies or Authorization). */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'idempotency-key'] as const;
/** Answer headers passed back. */
const FORWARDED_ANSWER_HEADERS = ['content-type', 'retry-after', 'idempotent-replayed'] as const;

/**
 * Answers a dashboard script's `/dashboard/api/v1/…` request by making the same request to the
 * gateway's own `/v1/…` routes with the session's API key. The dashboard has no data routes and
 * no permission rules of its own: every read and change is the API's, with the API's 403s and
 * 404s, so what a key may do in the dashboard is exactly what it may do with curl.
 */
export async function forwardToApi(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  apiKey: string,
): Promise<FastifyReply> {
  const path = request.url.slice('/dashboard/api'.length);
  if (!path.startsWith('/v1/') && path !== '/v1') {
    return reply.status(404).send({ error: { code: 'not_found', message: 'Not found' } });
  }
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const body = request.body;
  const answer = await app.inject({
    method: request.method as 'GET',
    url: path,
    headers,
    remoteAddress: request.ip,
    ...(Buffer.isBuffer(body) ? { payload: body } : {}),
  });
  for (const name of FORWARDED_ANSWER_HEADERS) {
    const value = answer.headers[name];
    if (typeof value === 'string') reply.header(name, value);
  }
  return reply.status(answer.statusCode).send(answer.rawPayload);
}
