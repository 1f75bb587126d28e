import { ConflictError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { adjustBalance, type TransferRefusal, transferBalance } from '../store/queries/prices.js';
import type { AccountLimits } from './account-limits.js';
import { MICROS } from './price-list.js';

/**
 * Changes to prepaid balances outside a send: an admin's top-ups and corrections, and credit a
 * partner moves between its own balance and a client's. No balance goes below zero, counting what
 * sends in flight have reserved: a withdrawal is reserved in memory (as a send is) before the store
 * records it, and given back if the store refuses.
 */
export class PrepaidBalances {
  constructor(
    private readonly store: Store,
    private readonly limits: AccountLimits,
  ) {}

  /** Adds `deltaMicros` (negative takes away) out of nowhere: an admin's top-up or correction. */
  async adjust(accountId: string, deltaMicros: number): Promise<number> {
    const giveBack = deltaMicros < 0 ? await this.limits.withdraw(accountId, -deltaMicros) : () => {};
    if (!giveBack) throw balanceTooLow(accountId, -deltaMicros);
    const balance = await adjustBalance(this.store, accountId, deltaMicros);
    if (balance === undefined) {
      giveBack();
      throw balanceTooLow(accountId, -deltaMicros);
    }
    if (deltaMicros > 0) this.limits.adjustBalance(accountId, deltaMicros);
    return balance;
  }

  /** Moves `micros` (> 0) from one balance to the other in one transaction; or says why not. */
  async transfer(
    fromId: string,
    toId: string,
    micros: number,
  ): Promise<{ from: number; to: number } | TransferRefusal> {
    const giveBack = await this.limits.withdraw(fromId, micros);
    if (!giveBack) return 'insufficient';
    const moved = await transferBalance(this.store, fromId, toId, micros);
    if (typeof moved === 'string') {
      giveBack();
      return moved;
    }
    this.limits.adjustBalance(toId, micros);
    return moved;
  }
}

/** 409: taking `micros` would leave the account's balance below zero. */
export function balanceTooLow(accountId: string, micros: number): ConflictError {
  return new ConflictError(
    `Taking ${micros / MICROS} would leave the prepaid balance of ${accountId} below zero`,
    'balance_too_low',
  );
}
