import { z } from 'zod';
import { callbackAuthFields, missingCallbackAuth } from '../http-common/callback-auth.js';

/**
 * Grandcom has no public documentation; seed 000 gives only its result shape. What is assumed
 * (docs/providers.md): `POST <baseUrl>/api/v1/messages` with HTTP Basic credentials and
 * `{"messages":[{channel,to,content,from,clientMessageId}]}`, answered per message with
 * `{apiMessageId, accepted, to, error, hasError}`; JSON status callbacks.
 */
export const grandcomConnectorSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
    type: z.literal('grandcom'),
    baseUrl: z.url(),
    username: z.string().min(1),
    password: z.string().min(1),
    /** Path of the send endpoint under baseUrl. */
    sendPath: z.string().startsWith('/').default('/api/v1/messages'),
    from: z.string().min(1).max(20).optional(),
    window: z.number().int().min(1).max(10_000).default(200),
    batchSize: z.number().int().min(1).max(100).default(50),
    batchWaitMs: z.number().int().min(0).max(1000).default(10),
    timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
    ...callbackAuthFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    const problem = missingCallbackAuth(config);
    if (problem) ctx.addIssue({ code: 'custom', path: ['callbackToken'], message: problem });
  });

export type GrandcomConnectorConfig = z.output<typeof grandcomConnectorSchema>;
