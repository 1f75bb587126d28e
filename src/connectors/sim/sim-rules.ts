import type { SimRule } from '../../config/schema.js';

export type SimOutcome = SimRule['outcome'];

/** The first rule matching the destination decides its fate; no match means delivered. */
export function matchSimRule(rules: readonly SimRule[], to: string): SimRule | undefined {
  for (const rule of rules) {
    if (rule.suffix !== undefined && !to.endsWith(rule.suffix)) continue;
    if (rule.prefix !== undefined && !to.startsWith(rule.prefix)) continue;
    if (rule.suffix === undefined && rule.prefix === undefined) continue;
    return rule;
  }
  return undefined;
}

/** Raw receipt text the simulator reports for a final outcome, shaped like an SMPP receipt's stat/err. */
export const SIM_RECEIPT_CODES = {
  delivered: 'stat:DELIVRD err:000',
  undelivered: 'stat:UNDELIV err:001',
  expired: 'stat:EXPIRED err:000',
} as const;
