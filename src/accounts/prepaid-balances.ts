import { ConflictError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { adjustBalance, type TransferRefusal, transferBalance } from '../store/queries/prices.js';
import type { AccountLimits } from './account-limits.js';
import { MICROS } from './price-list.js';
import { NOTHING_RESERVED } from './reservation-ledger.js';

/**
 * Changes to prepaid balances outside a send: an admin's top-ups and corrections, and credit a
 * partner moves between its own balance and a client's. No balance goes below zero, counting what
 * sends in flight have reserved: a withdrawal is reserved in memory (as a send is) before the store
 * records it with a conditional UPDATE, and given back if the store refuses.
 */
export class PrepaidBalances {
  constructor(
    private readonly store: Store,
    private readonly limits: AccountLimits,
  ) {}

  /** Adds `deltaMicros` (negative takes away) out of nowhere: an admin's top-up or correction. */
  async adjust(accountId: string, deltaMicros: number): Promise<number> {
    const reservation =
      deltaMicros < 0 ? await this.limits.withdraw(accountId, -deltaMicros) : NOTHING_RESERVED;
    if (!reservation) throw balanceTooLow(accountId, -deltaMicros);
    const balance = await adjustBalance(this.store, accountId, deltaMicros);
    if (balance === undefined) {
      reservation.giveBack();
      this.limits.forgetCommitted(accountId);
      throw balanceTooLow(accountId, -deltaMicros);
    }
    reservation.settle();
    if (deltaMicros > 0) this.limits.adjustBalance(accountId, deltaMicros);
    return balance;
  }

  /** Moves `micros` (> 0) from one balance to the other in one transaction; or says why not. */
  async transfer(
    fromId: string,
    toId: string,
    micros: number,
  ): Promise<{ from: number; to: number } | TransferRefusal> {
    const reservation = await this.limits.withdraw(fromId, micros);
    if (!reservation) return 'insufficient';
    const moved = await transferBalance(this.store, fromId, toId, micros);
    if (typeof moved === 'string') {
      reservation.giveBack();
      this.limits.forgetCommitted(fromId);
      return moved;
    }
    reservation.settle();
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
