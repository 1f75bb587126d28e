import { z } from 'zod';
import { ValidationError } from '../core/errors.js';
import type { SessionOptions } from '../smpp/smpp-session.js';

/**
 * The SMSC simulator's options: what it accepts, how it answers, and what happens to each message.
 * Validated once by {@link resolveSmscSimOptions} and frozen.
 */

/** What happens to a message whose destination matches a rule. */
export const SIM_OUTCOMES = ['delivered', 'undelivered', 'expired', 'rejected', 'deleted', 'silent'] as const;
/**
 * - `delivered`, `undelivered`, `expired`, `deleted`: accepted, then a receipt with that final state.
 * - `rejected`: the submit_sm is refused with ESME_RINVDSTADR (nothing is recorded, no receipt).
 * - `silent`: accepted, and no receipt ever comes.
 */
export type SimOutcome = (typeof SIM_OUTCOMES)[number];

/** How the simulator writes message ids: hexadecimal (lower case) or decimal digits. */
export const MESSAGE_ID_FORMATS = ['hex', 'decimal'] as const;
export type MessageIdFormat = (typeof MESSAGE_ID_FORMATS)[number];

const systemIdSchema = z
  .string()
  .min(1)
  .max(15)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
// 8 octets: the password field is a 9-octet C-string.
const passwordSchema = z
  .string()
  .max(8)
  .regex(/^[\x20-\x7e]*$/, 'printable ASCII');

const accountSchema = z.object({ systemId: systemIdSchema, password: passwordSchema }).strict();

const ruleSchema = z
  .object({
    /** The destination_addr ends with this. */
    suffix: z.string().min(1).optional(),
    /** The destination_addr starts with this. */
    prefix: z.string().min(1).optional(),
    outcome: z.enum(SIM_OUTCOMES),
    /** The receipt's `err:` (defaults: `000`, `001` for undelivered). */
    err: z.union([z.string().regex(/^[0-9A-Za-z]{1,10}$/), z.number().int().min(0).max(999)]).optional(),
  })
  .strict()
  .refine((rule) => rule.suffix !== undefined || rule.prefix !== undefined, {
    message: 'a rule needs a suffix or a prefix',
  });

/** A destination rule: the first rule whose suffix and prefix (those given) both match decides. */
export type SimRule = z.output<typeof ruleSchema>;

/** The rules a simulator has when none are given (the same numbers as the built-in `sim` connector). */
export const DEFAULT_SIM_RULES: readonly SimRule[] = [
  { suffix: '0000', outcome: 'undelivered' },
  { suffix: '0001', outcome: 'rejected' },
  { suffix: '0002', outcome: 'expired' },
];

const nonNegativeMs = z.number().int().min(0).max(3_600_000);
const every = z.number().int().min(1).optional();

const optionsSchema = z
  .object({
    /** The one account, when `accounts` is not used (default smsgate / secret). */
    systemId: systemIdSchema.optional(),
    password: passwordSchema.optional(),
    /** Several accounts; `systemId`/`password`, when given too, are added to them. */
    accounts: z.array(accountSchema).min(1).optional(),
    /** The system_id the simulator answers binds with. */
    smscSystemId: systemIdSchema.default('smscsim'),
    /** Delay between a submit_sm_resp and its delivery receipt. */
    receiptDelayMs: nonNegativeMs.default(100),
    /** Delay before a deliver_sm the receiver refused with a temporary error (or left unanswered) is sent again. */
    redeliveryDelayMs: nonNegativeMs.default(1000),
    rules: z.array(ruleSchema).optional(),
    /** Every Nth submit_sm (counted over the whole simulator) is answered ESME_RTHROTTLED. */
    throttleEvery: every,
    /** On every Nth submit_sm the connection is closed without an answer. Checked before throttleEvery. */
    dropEvery: every,
    /** Delay before each submit_sm_resp. */
    responseDelayMs: nonNegativeMs.default(0),
    /** Accept binds but never answer submit_sm (a black hole). */
    neverRespond: z.boolean().default(false),
    /** The format of the ids in submit_sm_resp. */
    messageIdFormat: z.enum(MESSAGE_ID_FORMATS).default('hex'),
    /** The format of the id in receipts (text `id:` and receipted_message_id); defaults to messageIdFormat. */
    receiptIdFormat: z.enum(MESSAGE_ID_FORMATS).optional(),
    /** Keep a `SubmitRecord` of every accepted submit_sm (turn off for long runs). */
    recordSubmits: z.boolean().default(true),
    /** Window, response timeout and enquire_link interval of the simulator's sessions. */
    session: z
      .object({
        windowSize: z.number().int().min(1).max(100_000).optional(),
        responseTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
        enquireLinkIntervalMs: nonNegativeMs.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** What `new SmscSimulator(options)` accepts; every field is optional. */
export type SmscSimOptions = z.input<typeof optionsSchema>;

/** The validated options with defaults filled in. */
export interface SmscSimSettings {
  readonly accounts: readonly { readonly systemId: string; readonly password: string }[];
  readonly smscSystemId: string;
  readonly receiptDelayMs: number;
  readonly redeliveryDelayMs: number;
  readonly rules: readonly SimRule[];
  readonly throttleEvery: number | undefined;
  readonly dropEvery: number | undefined;
  readonly responseDelayMs: number;
  readonly neverRespond: boolean;
  readonly messageIdFormat: MessageIdFormat;
  readonly receiptIdFormat: MessageIdFormat;
  readonly recordSubmits: boolean;
  readonly session: Readonly<SessionOptions>;
}

export const DEFAULT_SYSTEM_ID = 'smsgate';
export const DEFAULT_PASSWORD = 'secret';

/**
 * Validates the options, fills in the defaults and freezes the result.
 * @throws ValidationError naming the first bad option.
 */
export function resolveSmscSimOptions(options: SmscSimOptions = {}): SmscSimSettings {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw new ValidationError(`SMSC simulator option ${path || '(options)'}: ${issue.message}`, path);
  }
  const o = result.data;
  const accounts = [...(o.accounts ?? [])];
  if (o.systemId !== undefined || o.password !== undefined || accounts.length === 0) {
    accounts.push({ systemId: o.systemId ?? DEFAULT_SYSTEM_ID, password: o.password ?? DEFAULT_PASSWORD });
  }
  return deepFreeze({
    accounts,
    smscSystemId: o.smscSystemId,
    receiptDelayMs: o.receiptDelayMs,
    redeliveryDelayMs: o.redeliveryDelayMs,
    rules: o.rules ?? DEFAULT_SIM_RULES.map((rule) => ({ ...rule })),
    throttleEvery: o.throttleEvery,
    dropEvery: o.dropEvery,
    responseDelayMs: o.responseDelayMs,
    neverRespond: o.neverRespond,
    messageIdFormat: o.messageIdFormat,
    receiptIdFormat: o.receiptIdFormat ?? o.messageIdFormat,
    recordSubmits: o.recordSubmits,
    session: { ...o.session },
  });
}

/** The first rule matching `destination`, or undefined (then the message is delivered). */
export function matchRule(rules: readonly SimRule[], destination: string): SimRule | undefined {
  for (const rule of rules) {
    if (rule.suffix !== undefined && !destination.endsWith(rule.suffix)) continue;
    if (rule.prefix !== undefined && !destination.startsWith(rule.prefix)) continue;
    return rule;
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
