import { releaseMessageClaims } from '../store/queries/message-leases.js';
import type { DispatchItem } from './dispatch-item.js';
import type { DispatchState } from './dispatch-state.js';
import type { ReadyQueue } from './ready-queue.js';

/**
 * Several nodes on one database: a connector's binds may all be on other nodes (bind-leases.ts).
 * Messages this node holds for such a connector (accepted here, released by its scheduler, taken
 * over from a dead node) are handed over: their claims released in the store, then forgotten here;
 * the nodes with the binds claim them (woken by the gateway's `released` notice, or their sweep).
 */
export class HandOver {
  constructor(private readonly state: DispatchState) {}

  /** Empties `queue` (its connector is `remote`) and hands its messages over. */
  handOver(connector: string, queue: ReadyQueue): void {
    const { state } = this;
    const items: DispatchItem[] = [];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) items.push(item);
    if (items.length === 0) return;
    state.inMemory -= items.length;
    const ids = items.map((item) => item.id);
    const { store, lease, logger } = state.options;
    // Held until the release is stored: meanwhile no read of this node's brings them in again.
    releaseMessageClaims(store, lease.owner, ids).then(
      () => {
        for (const id of ids) {
          state.holdings.release(id);
          state.holdings.canceled.delete(id);
        }
        logger.debug({ connector, messages: ids.length }, 'handed messages to the node holding the binds');
        state.options.onHandedOver?.(ids.length);
      },
      (error: unknown) => {
        // Not renewed once forgotten: the claims lapse one lease later and any node takes them.
        for (const id of ids) state.holdings.release(id);
        logger.warn(
          { err: error, connector },
          'could not release messages for another node; their claims lapse',
        );
      },
    );
  }
}
