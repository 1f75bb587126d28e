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
