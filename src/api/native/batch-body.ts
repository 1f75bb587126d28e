import { z } from 'zod';
import { sendBodySchema } from './send-body.js';

/** Most items one `POST /v1/messages/batch` takes. */
export const MAX_BATCH_ITEMS = 1000;

/** One item of a batch: a `POST /v1/messages` body, with its own idempotency key. */
export const batchItemSchema = sendBodySchema.extend({
  /** Makes this item safe to send again (a resumed bulk run): the same key answers `replayed`. */
  idempotencyKey: z.string().min(1).max(255).optional(),
});

/**
 * The envelope as validated: the list only. Each item is validated on its own afterwards, so one
 * bad item is an `error` result, not a 400 for the whole batch.
 */
export const batchEnvelopeSchema = z
  .object({
    messages: z
      .array(z.unknown())
      .min(1, 'must hold at least one message')
      .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} messages per batch`),
  })
  .strict();

/** The body as documented (OpenAPI): the envelope with its items' schema. */
export const batchBodySchema = z
  .object({ messages: z.array(batchItemSchema).min(1).max(MAX_BATCH_ITEMS) })
  .strict();
