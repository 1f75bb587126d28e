import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../accounts/roles.js';
import { GatewayError, ValidationError } from '../../core/errors.js';
import type { Gateway } from '../../gateway.js';
import { parseRequest } from '../zod-errors.js';
import { acceptedBody } from './accepted-body.js';
import { principalOf, requireAuth } from './auth.js';
import { batchEnvelopeSchema } from './batch-body.js';
import { parseSendBody } from './send-body.js';

/** One item's answer, at the index of the item it answers. */
export type BatchResult =
  | { index: number; status: 'accepted' | 'replayed'; message: ReturnType<typeof acceptedBody> }
  | { index: number; status: 'error'; error: { code: string; message: string; field?: string } };

/** A batch of 1000 texts of the longest kind does not fit the default 1 MiB body limit. */
const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * `POST /v1/messages/batch` (docs/api.md): up to 1000 sends, each accepted, replayed (by its own
 * `idempotencyKey`) or refused on its own. The items go to the message service at once, so the
 * accept path's group commit stores them in as few transactions as its batch size allows.
 */
export function registerBatchRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.post(
    '/v1/messages/batch',
    {
      preHandler: requireAuth(gateway),
      bodyLimit: Math.max(gateway.config.bodyLimitBytes, BATCH_BODY_LIMIT),
    },
    async (request, reply) => {
      if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
        throw new ValidationError('The body must be a JSON object {"messages":[…]}', 'messages');
      }
      const { messages } = parseRequest(batchEnvelopeSchema, request.body);
      const principal = principalOf(request);
      const results = await Promise.all(
        messages.map((item, index) => sendItem(gateway, principal, item, index)),
      );
      // How long the items' idempotency keys are remembered: a resumed bulk run knows whether its
      // keys still guard the rows it may have sent before it was interrupted.
      void reply.header('idempotency-retention-seconds', String(gateway.config.idempotencyTtlSeconds));
      return reply.status(202).send({ results });
    },
  );
}

async function sendItem(
  gateway: Gateway,
  principal: Principal,
  item: unknown,
  index: number,
): Promise<BatchResult> {
  try {
    const { key, send } = splitKey(item);
    const input = parseSendBody(send);
    const outcome = await gateway.messages.send(principal, input, {
      ...(key === undefined
        ? {}
        : { idempotency: { key, request: { method: 'POST', path: '/v1/messages/batch', body: send } } }),
    });
    const message =
      outcome.legacyBody !== undefined
        ? (JSON.parse(outcome.legacyBody) as ReturnType<typeof acceptedBody>)
        : acceptedBody(outcome.sends[0]!);
    return { index, status: outcome.replayed ? 'replayed' : 'accepted', message };
  } catch (error) {
    // Anything else (a bug, the store gone) fails the request as it would for POST /v1/messages.
    if (!(error instanceof GatewayError)) throw error;
    return {
      index,
      status: 'error',
      error: {
        code: error.code,
        message: error.message,
        ...(error.field === undefined ? {} : { field: error.field }),
      },
    };
  }
}

/** The item's `idempotencyKey` (checked here, so its error names the item's field) and the rest. */
function splitKey(item: unknown): { key: string | undefined; send: unknown } {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new ValidationError(
      'Each item must be a JSON object (a POST /v1/messages body)',
      undefined,
      'invalid_json',
    );
  }
  const { idempotencyKey, ...send } = item as Record<string, unknown>;
  if (idempotencyKey === undefined) return { key: undefined, send };
  if (typeof idempotencyKey !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
    throw new ValidationError('idempotencyKey must be 1 to 255 printable ASCII characters', 'idempotencyKey');
  }
  return { key: idempotencyKey, send };
}
