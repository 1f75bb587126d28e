import type { PendingEvent } from '../store/queries/events.js';
import { AccountBacklog } from './account-backlog.js';

/**
 * The events the webhook deliverer holds in memory: by seq, in chains per order key (one message's
 * events, in seq order; the head is the one being worked on), and counted per account against a
 * fair share of `maxInMemory` (at most `maxInMemoryPerAccount`).
 */
export class EventMemory {
  private readonly events = new Map<number, PendingEvent>();
  private readonly chains = new Map<string, PendingEvent[]>();
  readonly accounts = new Map<string, AccountBacklog>();

  constructor(
    private readonly maxInMemory: number,
    private readonly maxInMemoryPerAccount: number,
  ) {}

  get size(): number {
    return this.events.size;
  }

  has(seq: number): boolean {
    return this.events.has(seq);
  }

  /** True while `event` is in memory and the head of its chain (stale copies elsewhere are skipped). */
  isCurrentHead(event: PendingEvent): boolean {
    return this.events.get(event.seq) === event && this.chains.get(event.orderKey)?.[0] === event;
  }

  /** How many events one account may hold now: its fair share, at most the per-account cap. */
  share(): number {
    const fair = Math.floor(this.maxInMemory / Math.max(1, this.accounts.size));
    return Math.max(1, Math.min(this.maxInMemoryPerAccount, fair));
  }

  accountOf(accountId: string): AccountBacklog {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = new AccountBacklog(accountId);
      this.accounts.set(accountId, account);
    }
    return account;
  }

  /** Takes an event in (not already held); returns it if it became the head of its chain. */
  admit(event: PendingEvent): PendingEvent | undefined {
    const account = this.accountOf(event.accountId);
    this.events.set(event.seq, event);
    account.inMemory++;
    const chain = this.chains.get(event.orderKey);
    if (!chain) {
      this.chains.set(event.orderKey, [event]);
      account.chains.add(event.orderKey);
      return event;
    }
    // Keep seq order behind the head (the head may already be on its way).
    let i = chain.length;
    while (i > 1 && chain[i - 1]!.seq > event.seq) i--;
    chain.splice(i, 0, event);
    return undefined;
  }

  /** Lets a settled event go; returns the next head of its chain if it was the head. */
  remove(event: PendingEvent): PendingEvent | undefined {
    const account = this.accountOf(event.accountId);
    if (this.events.get(event.seq) === event) {
      this.events.delete(event.seq);
      account.inMemory--;
    }
    const chain = this.chains.get(event.orderKey);
    if (!chain) return undefined;
    const index = chain.indexOf(event);
    if (index >= 0) chain.splice(index, 1);
    if (chain.length === 0) {
      this.chains.delete(event.orderKey);
      account.chains.delete(event.orderKey);
      return undefined;
    }
    return index === 0 ? chain[0] : undefined;
  }

  /**
   * Frees room for `count` events of `requester` by sending accounts above their fair share back to
   * disk (their chains whose head is not `busy`). False if it cannot.
   */
  makeRoom(count: number, requester: AccountBacklog, busy: (seq: number) => boolean): boolean {
    const tried = new Set<AccountBacklog>();
    while (this.events.size + count > this.maxInMemory) {
      const share = this.share();
      let heaviest: AccountBacklog | undefined;
      for (const account of this.accounts.values()) {
        if (account === requester || tried.has(account) || account.inMemory <= share) continue;
        if (!heaviest || account.inMemory > heaviest.inMemory) heaviest = account;
      }
      if (!heaviest) return false;
      tried.add(heaviest);
      this.evict(heaviest, heaviest.inMemory - share, busy);
    }
    return true;
  }

  /** Drops up to `count` of an account's events, whole chains, never one whose head is `busy`. */
  private evict(account: AccountBacklog, count: number, busy: (seq: number) => boolean): void {
    let freed = 0;
    for (const orderKey of account.chains) {
      if (freed >= count) break;
      const chain = this.chains.get(orderKey);
      if (!chain) {
        account.chains.delete(orderKey);
        continue;
      }
      if (busy(chain[0]!.seq)) continue;
      // Copies left in the due heap and destination queues are skipped there (no longer current).
      for (const event of chain) {
        this.events.delete(event.seq);
        account.inMemory--;
        freed++;
      }
      this.chains.delete(orderKey);
      account.chains.delete(orderKey);
    }
    if (freed > 0) account.onDisk = true;
  }

  /** Forgets an account with nothing in memory or on disk; true if it did (the others' shares grow). */
  forgetIfDone(account: AccountBacklog): boolean {
    if (account.inMemory > 0 || account.onDisk || account.refilling) return false;
    return this.accounts.delete(account.accountId);
  }
}
