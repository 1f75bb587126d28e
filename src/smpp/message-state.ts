/**
 * Message states: the `stat` words of receipt text (SMPP 3.4 Appendix B) and the numbers of the
 * message_state TLV and query_sm_resp (§5.2.28), with the mapping between them.
 */

/** The `stat:` values Appendix B defines (7 characters each). */
export const RECEIPT_STATS = [
  'DELIVRD',
  'EXPIRED',
  'DELETED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'REJECTD',
  'ENROUTE',
] as const;
export type ReceiptStat = (typeof RECEIPT_STATS)[number];

/** message_state values of SMPP 3.4 (0 SCHEDULED and 9 SKIPPED exist only in v5.0). */
export const MESSAGE_STATES = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;
export type MessageStateName = keyof typeof MESSAGE_STATES;
export type MessageState = (typeof MESSAGE_STATES)[MessageStateName];

/** The receipt `stat` word of each message_state. */
export const STAT_OF_MESSAGE_STATE: Readonly<Record<MessageState, ReceiptStat>> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

const STATE_OF_STAT = new Map<string, MessageState>(
  Object.entries(STAT_OF_MESSAGE_STATE).map(([state, stat]) => [stat, Number(state) as MessageState]),
);
// Spelled-out words some SMSCs write instead of the 7-character abbreviations.
for (const [name, state] of Object.entries(MESSAGE_STATES)) {
  if (!STATE_OF_STAT.has(name)) STATE_OF_STAT.set(name, state);
}

/** Whether `value` is one of the Appendix B stat words (exact, upper case). */
export function isReceiptStat(value: string): value is ReceiptStat {
  return (RECEIPT_STATS as readonly string[]).includes(value);
}

/** The receipt stat of a message_state number, or undefined for a number SMPP 3.4 does not define. */
export function statOfMessageState(state: number): ReceiptStat | undefined {
  return STAT_OF_MESSAGE_STATE[state as MessageState];
}

/**
 * The message_state of a receipt stat, case-insensitively; the spelled-out names (DELIVERED,
 * UNDELIVERABLE, REJECTED…) are accepted too. Undefined for vendor words (ACKED, BUFFRED…), which the
 * caller has to interpret from its provider's documentation.
 */
export function messageStateOfStat(stat: string): MessageState | undefined {
  return STATE_OF_STAT.get(stat.trim().toUpperCase());
}
