import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { can } from '../../accounts/access-policy.js';
import { ValidationError } from '../../core/errors.js';
import { messageIdOf } from '../../core/message-sid.js';
import { MESSAGE_STATUSES } from '../../core/statuses.js';
import { analyzeText, splitSegments } from '../../core/text-encoding.js';
import type { Gateway } from '../../gateway.js';
import { countByStatus } from '../../store/queries/messages-read.js';
import { numberFilter } from '../number-filter.js';
import { zodToValidationError } from '../zod-errors.js';
import { acceptedBody } from './accepted-body.js';
import { principalOf, requireAuth } from './auth.js';
import { messageView } from './message-view.js';
import { parseSendBody, parseTimestamp } from './send-body.js';

export const listQuerySchema = z
  .object({
    status: z.enum(MESSAGE_STATUSES).optional(),
    to: z.string().optional(),
    clientRef: z.string().optional(),
    since: z.string().optional(),
    until: z.string().optional(),
    cursor: z.string().optional(),
    ref: z.string().max(2100).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const previewBodySchema = z.object({ text: z.string().min(1, 'must not be empty') }).strict();

/** The native message API: send, read, list, cancel, preview — thin callers of the message service. */
export function registerMessageRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = requireAuth(gateway);

  app.post('/v1/messages', { preHandler: auth }, async (request, reply) => {
    const principal = principalOf(request);
    const input = parseSendBody(request.body);
    const key = request.headers['idempotency-key'];
    const outcome = await gateway.messages.send(principal, input, {
      ...(typeof key === 'string'
        ? { idempotency: { key, request: { method: 'POST', path: '/v1/messages', body: request.body } } }
        : {}),
    });
    if (outcome.replayed) reply.header('idempotent-replayed', 'true');
    if (outcome.legacyBody !== undefined) {
      return reply.status(202).type('application/json; charset=utf-8').send(outcome.legacyBody);
    }
    return reply.status(202).send(acceptedBody(outcome.sends[0]!));
  });

  app.post('/v1/messages/preview', { preHandler: auth }, async (request) => {
    const parsed = previewBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) throw zodToValidationError(parsed.error);
    const analysis = analyzeText(parsed.data.text);
    if (analysis.characters > gateway.config.maxTextLength) {
      throw new ValidationError(
        `text has ${analysis.characters} characters; at most ${gateway.config.maxTextLength} are allowed`,
        'text',
      );
    }
    return { ...analysis, parts: splitSegments(parsed.data.text, analysis.encoding) };
  });

  app.get('/v1/messages', { preHandler: auth }, async (request) => {
    const principal = principalOf(request);
    const parsed = listQuerySchema.safeParse(request.query);
    if (!parsed.success) throw zodToValidationError(parsed.error);
    const q = parsed.data;
    const limit = q.limit ?? 100;
    const rows = await gateway.messages.list(principal, {
      status: q.status,
      to: q.to === undefined ? undefined : numberFilter(q.to, 'to', gateway.config.defaultRegion),
      clientRef: q.clientRef,
      ref: q.ref === undefined ? undefined : parseRefFilter(q.ref),
      since: q.since === undefined ? undefined : parseTimestamp(q.since, 'since'),
      until: q.until === undefined ? undefined : parseTimestamp(q.until, 'until'),
      before: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((row) => messageView(row)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    };
  });

  app.get<{ Params: { id: string } }>('/v1/messages/:id', { preHandler: auth }, async (request) => {
    const detail = await gateway.messages.read(principalOf(request), messageIdOf(request.params.id));
    return messageView(detail.row, detail.history, detail.parts, detail.refs);
  });

  app.post<{ Params: { id: string } }>(
    '/v1/messages/:id/cancel',
    { preHandler: auth },
    async (request, reply) => {
      const detail = await gateway.messages.cancel(principalOf(request), request.params.id);
      return reply.status(200).send(messageView(detail.row, detail.history));
    },
  );

  app.get('/v1/stats', { preHandler: auth }, async (request) => {
    const principal = principalOf(request);
    const messages = await countByStatus(
      gateway.store,
      can(principal, 'messages:count-all-accounts') ? undefined : principal.accountId,
    );
    return can(principal, 'queue:read') ? { messages, queue: gateway.dispatcher.stats() } : { messages };
  });
}

/** `name:value`: the messages carrying that ref (what a dialect's caller knows them by). */
function parseRefFilter(value: string): { name: string; value: string } {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    throw new ValidationError('ref must be name:value, e.g. ref=commId:3f2b…', 'ref');
  }
  return { name: value.slice(0, colon), value: value.slice(colon + 1) };
}

function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^msg_[0-9A-Z]{26}$/.test(id))
    throw new ValidationError('cursor is not a cursor this API returned', 'cursor');
  return id;
}
