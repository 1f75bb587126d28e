import { ForbiddenError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { loadSenderNumbers } from '../store/queries/sender-numbers.js';

/**
 * Owned sender numbers, held in memory: a number an admin gave to one account is that account's
 * alone. Replies to it go to its owner whoever else wrote from it, and no other account may send
 * from it. Loaded at start; every change through the API updates it after the store.
 */
export class SenderNumbers {
  private readonly owners = new Map<string, string>();

  async load(store: Store): Promise<void> {
    this.owners.clear();
    for (const row of await loadSenderNumbers(store)) this.owners.set(row.number, row.account_id);
  }

  /** The owner of the first of these spellings that is owned. */
  ownerOf(spellings: readonly string[]): string | undefined {
    for (const spelling of spellings) {
      const owner = this.owners.get(spelling);
      if (owner !== undefined) return owner;
    }
    return undefined;
  }

  set(number: string, accountId: string): void {
    this.owners.set(number, accountId);
  }

  remove(number: string): void {
    this.owners.delete(number);
  }

  /** Refuses a sender another account owns (403 `sender_not_allowed`, naming the field). */
  checkSender(accountId: string, sender: string | null, field: string): void {
    if (sender === null) return;
    const owner = this.owners.get(sender);
    if (owner !== undefined && owner !== accountId) {
      throw new ForbiddenError(
        // The same words as an allow-list refusal: which numbers others own is not for this caller.
        `${field} "${sender}" is not one of the sender ids this account may use`,
        'sender_not_allowed',
        field,
      );
    }
  }
}
