import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseJsonBody } from '../api/formats/json.js';
import { toGatewayError } from '../api/gateway-errors.js';
import { parseSendBody } from '../api/native/send-body.js';
import { parseRequest } from '../api/zod-errors.js';
import { ValidationError } from '../core/errors.js';
import type { Gateway } from '../gateway.js';
import type { DashboardSession } from './sessions.js';

/** Rows per request: small enough that the page's progress moves, large enough to be quick. */
export const MAX_ROWS_PER_CHUNK = 100;

const chunkBody = z
  .object({
    /** The file's digest as the page computed it (`sha256:<hex>`, or `fnv1a64:<hex>` off HTTPS). */
    fileHash: z
      .string()
      .regex(/^(sha256:[0-9a-f]{64}|fnv1a64:[0-9a-f]{16})$/, 'sha256:<64 hex> or fnv1a64:<16 hex>'),
    rows: z
      .array(z.object({ row: z.number().int().min(1), message: z.record(z.string(), z.unknown()) }).strict())
      .min(1)
      .max(MAX_ROWS_PER_CHUNK),
  })
  .strict();

type RowResult =
  | { row: number; status: 'accepted' | 'replayed'; messageId: string | undefined }
  | { row: number; status: 'error'; error: { code: string; message: string; field?: string } };

/**
 * `POST /dashboard/api/uploads/rows`: one chunk of a CSV file the page has read, each row already
 * a `POST /v1/messages` body. Each row is its own send through the message service with the
 * idempotency key `csv:<file digest>:<row>`, so uploading the same file again (after a lost
 * connection, a closed tab) answers the rows already sent as `replayed` and sends nothing twice;
 * a row that fails is reported, the others go on.
 */
export function registerCsvUpload(
  scope: FastifyInstance,
  gateway: Gateway,
  sessionOf: (
    request: FastifyRequest,
    reply: FastifyReply,
  ) => Promise<{ session: DashboardSession; apiKey: string } | undefined>,
): void {
  scope.post('/api/uploads/rows', async (request, reply) => {
    const found = await sessionOf(request, reply);
    if (!found) return reply;
    if (!Buffer.isBuffer(request.body)) throw new ValidationError('send the chunk as JSON', 'body');
    const chunk = parseRequest(chunkBody, parseJsonBody(request.body));
    const principal = found.session.principal;
    const results: RowResult[] = [];
    for (const { row, message } of chunk.rows) {
      try {
        const outcome = await gateway.messages.send(principal, parseSendBody(message), {
          idempotency: {
            key: `csv:${chunk.fileHash}:${row}`,
            request: { method: 'POST', path: '/v1/messages', body: message },
          },
        });
        const first = outcome.sends[0]?.messages[0];
        results.push({ row, status: outcome.replayed ? 'replayed' : 'accepted', messageId: first?.id });
      } catch (error) {
        const e = toGatewayError(error, gateway.logger, request);
        if (e.status >= 500) throw e;
        results.push({
          row,
          status: 'error',
          error: { code: e.code, message: e.message, ...(e.field === undefined ? {} : { field: e.field }) },
        });
      }
    }
    return reply.header('cache-control', 'no-store').send({ results });
  });
}
