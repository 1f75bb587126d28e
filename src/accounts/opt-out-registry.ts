import type { Store } from '../store/open-store.js';
import { loadAllOptOuts } from '../store/queries/opt-outs.js';

/**
 * Which numbers opted out of which account, held in memory so the accept path checks every
 * recipient without a query. Loaded at start; every change the gateway makes (an inbound STOP or
 * START, the API) updates it after the store does.
 */
export class OptOutRegistry {
  private readonly byAccount = new Map<string, Set<string>>();
  /** Called after every add or remove (the gateway tells the other nodes). */
  onChange: () => void = () => {};

  /** Reads every opt-out from the store (at start, and when another node changed one). */
  async load(store: Store): Promise<void> {
    const rows = await loadAllOptOuts(store);
    this.byAccount.clear();
    for (const row of rows) this.numbersOf(row.account_id).add(row.number);
  }

  isOptedOut(accountId: string, number: string): boolean {
    return this.byAccount.get(accountId)?.has(number) ?? false;
  }

  add(accountId: string, number: string): void {
    this.numbersOf(accountId).add(number);
    this.onChange();
  }

  remove(accountId: string, number: string): void {
    const numbers = this.byAccount.get(accountId);
    numbers?.delete(number);
    if (numbers?.size === 0) this.byAccount.delete(accountId);
    this.onChange();
  }

  private numbersOf(accountId: string): Set<string> {
    let numbers = this.byAccount.get(accountId);
    if (!numbers) {
      numbers = new Set();
      this.byAccount.set(accountId, numbers);
    }
    return numbers;
  }
}
