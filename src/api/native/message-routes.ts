import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { can } from '../../accounts/access-policy.js';
import type { PreparedSend } from '../../core/accept-service.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { isFinalStatus, MESSAGE_STATUSES } from '../../core/statuses.js';
import { analyzeText, splitSegments } from '../../core/text-encoding.js';
import type { Gateway } from '../../gateway.js';
import { cancelMessage } from '../../store/queries/cancel.js';
import {
  countByStatus,
  findHistory,
  findMessage,
  findParts,
  listMessages,
} from '../../store/queries/messages-read.js';
import { zodToValidationError } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';
import { IdempotencyGuard } from './idempotency.js';
import { messageView } from './message-view.js';
import { parseSendBody, parseTimestamp } from './send-body.js';

const listQuerySchema = z
  .object({
    status: z.enum(MESSAGE_STATUSES).optional(),
    to: z.string().optional(),
    clientRef: z.string().optional(),
    since: z.string().optional(),
    until: z.string().optional(),
    cursor: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

const previewBodySchema = z.object({ text: z.string().min(1, 'must not be empty') }).strict();

/** The native message API: send, read, list, cancel, preview. */
export function registerMessageRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = requireAuth(gateway);
  const idempotency = new IdempotencyGuard(gateway.store, gateway.config.idempotencyTtlSeconds);

  app.post('/v1/messages', { preHandler: auth }, async (request, reply) => {
    const principal = principalOf(request);
    const input = parseSendBody(request.body);
    const key = request.headers['idempotency-key'];
    if (typeof key === 'string') {
      const result = await idempotency.run(
        principal.accountId,
        key,
        { method: 'POST', path: '/v1/messages', body: request.body },
        async (requestHash) => {
          const prepared = gateway.accept.prepare(principal.accountId, input);
          const body = JSON.stringify(acceptedBody(prepared));
          await gateway.accept.commit(prepared, { key, requestHash, statusCode: 202, response: body });
          return { status: 202, body };
        },
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(result.status).type('application/json; charset=utf-8').send(result.body);
    }
    const prepared = gateway.accept.prepare(principal.accountId, input);
    await gateway.accept.commit(prepared);
    return reply.status(202).send(acceptedBody(prepared));
  });

  app.post('/v1/messages/preview', { preHandler: auth }, async (request) => {
    const parsed = previewBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) throw zodToValidationError(parsed.error);
    const analysis = analyzeText(parsed.data.text);
    // The send path's limit: a preview of a text that could never be sent would only cost work.
    const max = gateway.config.maxTextLength;
    if (analysis.characters > max) {
      throw new ValidationError(
        `text has ${analysis.characters} characters; at most ${max} are allowed`,
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
    const rows = await listMessages(gateway.store, {
      accountId: principal.accountId,
      status: q.status,
      to: q.to,
      clientRef: q.clientRef,
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
    const principal = principalOf(request);
    const row = await findMessage(gateway.store, principal.accountId, request.params.id);
    if (!row) throw new NotFoundError(`Message ${request.params.id}`);
    const [history, parts] = await Promise.all([
      findHistory(gateway.store, row.id),
      findParts(gateway.store, row.id),
    ]);
    return messageView(row, history, parts);
  });

  app.post<{ Params: { id: string } }>(
    '/v1/messages/:id/cancel',
    { preHandler: auth },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id } = request.params;
      const row = await findMessage(gateway.store, principal.accountId, id);
      if (!row) throw new NotFoundError(`Message ${id}`);
      if (!gateway.dispatcher.beginCancel(id)) {
        throw new ConflictError(
          `Message ${id} is being sent right now and can no longer be canceled`,
          'not_cancelable',
        );
      }
      let canceled = false;
      try {
        const result = await cancelMessage(gateway.store, principal.accountId, id, Date.now());
        canceled = result.canceled;
        gateway.webhooks.enqueue(result.events);
      } finally {
        gateway.dispatcher.endCancel(id, canceled);
      }
      if (!canceled) {
        const current = await findMessage(gateway.store, principal.accountId, id);
        const status = current?.status ?? row.status;
        throw new ConflictError(
          `Message ${id} is ${status}${isFinalStatus(status) ? '' : ' (it has left the gateway)'} and can no longer be canceled`,
          'not_cancelable',
        );
      }
      const updated = await findMessage(gateway.store, principal.accountId, id);
      return reply.status(200).send(messageView(updated!, await findHistory(gateway.store, id)));
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

function acceptedBody(prepared: PreparedSend) {
  const { analysis } = prepared;
  return {
    messages: prepared.messages.map((m) => ({
      id: m.id,
      to: m.to,
      status: m.status,
      encoding: analysis.encoding,
      segments: analysis.segments,
      clientRef: prepared.clientRef,
      scheduleAt: prepared.scheduleAt === null ? null : new Date(prepared.scheduleAt).toISOString(),
      createdAt: new Date(m.createdAt).toISOString(),
    })),
  };
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
