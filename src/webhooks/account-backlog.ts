import type { PendingEvent } from '../store/queries/events.js';

/** What the webhook deliverer keeps per account: its share of memory and whether more waits on disk. */
export class AccountBacklog {
  /** Its events in memory. */
  inMemory = 0;
  /** True while some of its pending events live only on disk (no room, or not read yet). */
  onDisk = false;
  refilling = false;
  /** Events committed while a refill reads the store: admitted after it, if it catches up. */
  arrived: PendingEvent[] = [];
  /** More arrived during a refill than memory could take: another refill follows. */
  overflowed = false;
  /** Order keys of its chains in memory, oldest first (what an eviction sends back to disk). */
  readonly chains = new Set<string>();

  constructor(readonly accountId: string) {}
}
