import type { Principal } from '../../../accounts/roles.js';
import type { SendInput } from '../../../core/send-input.js';
import { analyzeText } from '../../../core/text-encoding.js';
import type { Gateway } from '../../../gateway.js';
import { findAccountLimits, findUsage, usagePeriod } from '../../../store/queries/account-usage.js';
import type { JasminValue } from './jasmin-json.js';
import { JASMIN_FIELD_NAMES } from './jasmin-send.js';

/** Jasmin's "not defined": what `/balance` shows for a balance or count that has no limit. */
const ND = 'ND';

/**
 * `/balance`'s answer from the account: `balance` its prepaid balance (`ND` when it is not
 * prepaid), `sms_count` the segments left of its monthly quota (`ND` without one).
 */
export async function jasminBalance(
  gateway: Gateway,
  principal: Principal,
): Promise<{ balance: JasminValue; sms_count: JasminValue }> {
  const limits = await findAccountLimits(gateway.store, principal.accountId);
  const balance = limits?.balance_micros;
  const quota = limits?.monthly_segment_quota;
  const used =
    quota === null || quota === undefined
      ? 0
      : await findUsage(gateway.store, principal.accountId, usagePeriod(Date.now()));
  return {
    balance: balance === null || balance === undefined ? ND : { float: Number(balance) / 1_000_000 },
    sms_count: quota === null || quota === undefined ? ND : Math.max(0, Number(quota) - used),
  };
}

/**
 * `/rate`'s answer: the send is checked as a real one would be (a number no route takes is Jasmin's
 * `412 No route found`), nothing is stored; `submit_sm_count` is its segment count and `unit_rate`
 * the price list's price per segment for the destination (0 when it has none).
 */
export async function jasminRate(
  gateway: Gateway,
  principal: Principal,
  input: SendInput,
): Promise<{ submit_sm_count: JasminValue; unit_rate: JasminValue }> {
  gateway.messages.validate(principal, [input], [JASMIN_FIELD_NAMES]);
  const to = input.to[0] ?? '';
  const prices = await gateway.prices.load();
  const price = prices.find((p) => to.startsWith(p.prefix));
  return {
    submit_sm_count: analyzeText(input.text).segments,
    unit_rate: { float: price ? Number(price.price_micros) / 1_000_000 : 0 },
  };
}
