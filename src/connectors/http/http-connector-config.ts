import { z } from 'zod';
import { RECEIPT_STATES } from '../connector.js';
import { dialectGroupField } from '../dialect-group.js';
import {
  callbackAuthFields,
  callbackSignatureField,
  missingCallbackAuth,
} from '../http-common/callback-auth.js';
import { checkTemplate, HeaderTemplate, UrlTemplate } from './message-template.js';

const path = z.string().min(1).max(200);

/**
 * A provider described by configuration alone: how to send one message (method, URL, auth,
 * headers, a body template), how to read its answer, and how to read its status callbacks.
 * Templates use `{{to}} {{toDigits}} {{from}} {{fromDigits}} {{text}} {{id}} {{callbackUrl}}
 * {{segments}} {{encoding}}`, each encoded for where it lands (URL path or query, header, form or
 * JSON body); `{{raw:name}}` writes a value into the URL as it is. Checked here, at start.
 */
export const httpConnectorSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
    type: z.literal('http'),
    method: z.enum(['POST', 'GET']).default('POST'),
    /** The send URL (a template). */
    url: z.string().min(1),
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
        z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
        z.object({ type: z.literal('header'), name: z.string().min(1), value: z.string() }).strict(),
      ])
      .optional(),
    /** Extra request headers (templates). */
    headers: z.record(z.string(), z.string()).default({}),
    /** The request body (for GET: the query string). Fields whose value renders empty are left out. */
    body: z
      .object({ format: z.enum(['json', 'form']), fields: z.record(z.string(), z.unknown()) })
      .strict()
      .optional(),
    response: z
      .object({
        /** Where the provider's message id is (`sid`, `result.id`, `messages[0].id`). */
        idPath: path,
        /** Optional success flag: the answer is a success only when this path equals `successEquals`. */
        successPath: path.optional(),
        successEquals: z.union([z.string(), z.number(), z.boolean()]).default(true),
        /** Where an error's text and code are. */
        errorPath: path.optional(),
        errorCodePath: path.optional(),
        /** HTTP statuses worth a retry (default: 408, 429 and 5xx). */
        retryOnStatus: z.array(z.number().int().min(100).max(599)).optional(),
        /** Provider error codes worth a retry whatever the status. */
        retryOnErrorCodes: z.array(z.string()).default([]),
      })
      .strict(),
    callback: z
      .object({
        idPath: path,
        statusPath: path,
        errorPath: path.optional(),
        /** Provider status → receipt state; statuses not listed are ignored. */
        statusMap: z.record(z.string(), z.enum(RECEIPT_STATES)),
      })
      .strict()
      .optional(),
    /** The URL the provider should send callbacks to (what `{{callbackUrl}}` becomes). */
    callbackUrl: z.url().optional(),
    window: z.number().int().min(1).max(10_000).default(50),
    timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
    ...callbackAuthFields,
    ...callbackSignatureField,
    /** The group seed 000's SmsMsgResponse reports this connector's messages under. */
    ...dialectGroupField,
  })
  .strict()
  .superRefine((config, ctx) => {
    // Only a connector that reads callbacks needs them authenticated.
    const problem = config.callback ? missingCallbackAuth(config, config.callbackUrl) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['callbackToken'], message: problem });
    const check = (path: string[], test: () => void) => {
      try {
        test();
      } catch (error) {
        ctx.addIssue({ code: 'custom', path, message: (error as Error).message });
      }
    };
    const where = `connector ${config.name}`;
    // The issue's path names the field already.
    check(['url'], () => new UrlTemplate(config.url, where));
    for (const [name, value] of Object.entries(config.headers)) {
      check(['headers', name], () => new HeaderTemplate(name, value, where));
    }
    check(['body', 'fields'], () => checkTemplate(config.body?.fields, `${where}: body.fields`, 'body'));
  });

export type HttpConnectorConfig = z.output<typeof httpConnectorSchema>;
