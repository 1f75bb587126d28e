import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import type { SendInput } from '../../core/send-input.js';
import { PRIORITIES } from '../../core/statuses.js';
import { zodToValidationError } from '../zod-errors.js';

export const sendBodySchema = z
  .object({
    to: z.union([z.string(), z.array(z.string()).min(1, 'must name at least one recipient')], {
      error: 'must be a phone number as a string ("+447911123456"), or a list of them',
    }),
    text: z.string({ error: 'must be a string' }),
    from: z.string().optional(),
    scheduleAt: z.string().optional(),
    validitySeconds: z.number().int().optional(),
    priority: z.enum(PRIORITIES).optional(),
    callbackUrl: z.string().optional(),
    clientRef: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    replyRequired: z.boolean().optional(),
    channel: z.string().min(1).max(64).optional(),
  })
  .strict();

/** Reads `POST /v1/messages`'s body into a SendInput, or throws a 400 naming the field. */
export function parseSendBody(body: unknown): SendInput {
  if (body === undefined) {
    throw new ValidationError('The body is empty; send a JSON object', undefined, 'invalid_json');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The body must be a JSON object', undefined, 'invalid_json');
  }
  const parsed = sendBodySchema.safeParse(body);
  if (!parsed.success) throw zodToValidationError(parsed.error);
  const value = parsed.data;
  let scheduleAt: number | undefined;
  if (value.scheduleAt !== undefined) {
    scheduleAt = parseTimestamp(value.scheduleAt, 'scheduleAt');
  }
  return {
    to: typeof value.to === 'string' ? [value.to] : value.to,
    text: value.text,
    from: value.from,
    scheduleAt,
    validitySeconds: value.validitySeconds,
    priority: value.priority,
    callbackUrl: value.callbackUrl,
    clientRef: value.clientRef,
    metadata: value.metadata,
    replyRequired: value.replyRequired,
    channel: value.channel,
  };
}

/** An ISO 8601 time with a zone (`2026-11-22T10:00:00Z`, `…+02:00`) as epoch ms. */
export function parseTimestamp(value: string, field: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new ValidationError(
      `${field} must be an ISO 8601 time with a zone, e.g. 2026-11-22T10:00:00Z`,
      field,
    );
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(`${field} "${value}" is not a valid time`, field);
  return ms;
}
