import { z } from 'zod';
import { callbackAuthFields, missingCallbackAuth } from '../http-common/callback-auth.js';

export const clickatellConnectorSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
    type: z.literal('clickatell'),
    /** The integration's API key (sent as the bare `Authorization` header). */
    apiKey: z.string().min(1),
    baseUrl: z.url().default('https://platform.clickatell.com'),
    /** Sender (a two-way number) for messages that name none. */
    from: z.string().min(1).max(20).optional(),
    /** Submissions in flight at most. */
    window: z.number().int().min(1).max(10_000).default(200),
    /** Messages per request (Clickatell takes at most 200). */
    batchSize: z.number().int().min(1).max(200).default(100),
    batchWaitMs: z.number().int().min(0).max(1000).default(10),
    timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
    /** Clickatell's callbacks must use `…/callbacks/<name>?token=<callbackToken>` (it does not sign them). */
    ...callbackAuthFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    const problem = missingCallbackAuth(config);
    if (problem) ctx.addIssue({ code: 'custom', path: ['callbackToken'], message: problem });
  });

export type ClickatellConnectorConfig = z.output<typeof clickatellConnectorSchema>;
