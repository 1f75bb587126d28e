/** Every status a message can have; one closed set shared by the store, the API and every dialect. */
export const MESSAGE_STATUSES = [
  'queued',
  'scheduled',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'expired',
  'rejected',
  'failed',
  'canceled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses a message never leaves. */
export const FINAL_STATUSES = [
  'delivered',
  'undelivered',
  'expired',
  'rejected',
  'failed',
  'canceled',
] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

const statusSet: ReadonlySet<string> = new Set(MESSAGE_STATUSES);
const finalSet: ReadonlySet<string> = new Set(FINAL_STATUSES);

export function isMessageStatus(value: unknown): value is MessageStatus {
  return typeof value === 'string' && statusSet.has(value);
}

export function isFinalStatus(status: string): status is FinalStatus {
  return finalSet.has(status);
}

/**
 * The lifecycle: which statuses a message may move to from each one. The store guards every
 * transition with it (`UPDATE … WHERE status IN (predecessors)`), so a change that is no longer
 * possible — a message canceled meanwhile, a second node's late write — does not happen, and the
 * writer says so. Final statuses lead nowhere.
 */
export const TRANSITIONS: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  queued: ['sending', 'queued', 'canceled', 'expired', 'rejected', 'failed'],
  scheduled: ['queued', 'canceled', 'expired', 'rejected'],
  // `queued` again: a retry, a failover, or a restart that found it mid-submission.
  sending: ['sent', 'queued', 'rejected', 'failed', 'expired'],
  sent: ['delivered', 'undelivered', 'expired', 'rejected', 'failed'],
  delivered: [],
  undelivered: [],
  expired: [],
  rejected: [],
  failed: [],
  canceled: [],
};

const predecessors = new Map<MessageStatus, MessageStatus[]>(MESSAGE_STATUSES.map((s) => [s, []]));
for (const from of MESSAGE_STATUSES) for (const to of TRANSITIONS[from]) predecessors.get(to)!.push(from);

/** The statuses a message may be in for a move to `status` to be allowed. */
export function predecessorsOf(status: MessageStatus): readonly MessageStatus[] {
  return predecessors.get(status) ?? [];
}

/** Statuses from which a message may still be canceled: nothing has left the gateway yet. */
export const CANCELABLE_STATUSES = ['queued', 'scheduled'] as const;

/** Message priorities, lowest first; index = SMPP priority_flag. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}

/** Numeric rank of a priority (0 = low … 3 = urgent). */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}
