import type { Store } from '../store/open-store.js';
import { loadAllOptOuts } from '../store/queries/opt-outs.js';

/**
 * Which numbers opted out of which account, held in memory so the accept path checks every
 * recipient without a query. Loaded at start; every change the gateway makes (an inbound STOP or
 * START, the API) updates it after the store does.
 */
export class OptOutRegistry {
  private readonly byAccount = new Map<string, Set<string>>();

  async load(store: Store): Promise<void> {
    this.byAccount.clear();
    for (const row of await loadAllOptOuts(store)) this.add(row.account_id, row.number);
  }

  isOptedOut(accountId: string, number: string): boolean {
    return this.byAccount.get(accountId)?.has(number) ?? false;
  }

  add(accountId: string, number: string): void {
    let numbers = this.byAccount.get(accountId);
    if (!numbers) {
      numbers = new Set();
      this.byAccount.set(accountId, numbers);
    }
    numbers.add(number);
  }

  remove(accountId: string, number: string): void {
    const numbers = this.byAccount.get(accountId);
    numbers?.delete(number);
    if (numbers?.size === 0) this.byAccount.delete(accountId);
  }
}
