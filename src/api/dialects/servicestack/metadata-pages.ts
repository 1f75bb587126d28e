import type { FastifyInstance } from 'fastify';
import { RESPONSE_FORMATS } from '../../formats/negotiation.js';
import { operationPage, operationsPage } from './metadata-html.js';
import { findOperation } from './operations.js';

const HTML = 'text/html; charset=utf-8';

/**
 * The metadata pages ServiceStack serves, without authentication as it does: `/metadata` lists the
 * operations; `/{json|xml|jsv}/metadata?op=Name` shows one operation's routes, DTOs and sample
 * requests in that format (without a known `op`, the list).
 */
export function registerMetadataPages(scope: FastifyInstance, prefix: string): void {
  if (prefix === '/metadata') {
    scope.get('/', async (_request, reply) => reply.type(HTML).send(operationsPage()));
    return;
  }
  const format = RESPONSE_FORMATS.find((f) => prefix === `/${f}`);
  if (!format) return;
  scope.get('/metadata', async (request, reply) => {
    const op = (request.query as Record<string, unknown>).op;
    const operation = typeof op === 'string' ? findOperation(op) : undefined;
    const host = request.headers.host ?? 'localhost';
    return reply.type(HTML).send(operation ? operationPage(operation, format, host) : operationsPage());
  });
}
