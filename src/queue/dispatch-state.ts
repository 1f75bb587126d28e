import type { Config } from '../config/schema.js';
import type { Connector } from '../connectors/connector.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/open-store.js';
import type { DispatchItem } from './dispatch-item.js';
import { Holdings } from './holdings.js';
import { ReadyQueue } from './ready-queue.js';
import type { ReceiptTracker } from './receipt-tracker.js';
import type { StatusChange, StatusWriter } from './status-writer.js';

export interface DispatcherOptions {
  store: Store;
  writer: StatusWriter;
  tracker: ReceiptTracker;
  connectors: ReadonlyMap<string, Connector>;
  defaultConnector: string;
  queue: Config['queue'];
  logger: Logger;
  /** How far ahead the scheduler holds due messages in memory. */
  schedulerHorizonMs?: number;
  /**
   * This node's claim on the messages it works on (several gateways on one database): the owner
   * it writes and how long a claim lasts unless renewed.
   */
  lease: { readonly owner: string; readonly ms: number };
  /**
   * Checked just before each submission: a reason makes the message `rejected` instead (a
   * recipient who opted out after a message was accepted, e.g. while it was scheduled).
   */
  refuse?: (item: DispatchItem) => { code: string; detail: string } | null;
  /**
   * Messages were handed to the nodes holding their connector's binds (their claims released):
   * the gateway tells the other nodes, so they take them now rather than at their next sweep.
   */
  onHandedOver?: (count: number) => void;
  /** The route table: other connectors after a retryable failure, or when one is down. */
  routing?: {
    /** Another connector to try now, after `failed` failed (failover and weighted routes). */
    next(route: string | null, failed: string): string | undefined;
    /** The connector a retry after backoff should use. */
    current(route: string | null, fallback: string): string;
  };
}

/**
 * What the dispatcher's parts share: the ready queues per connector, the holdings, the counters
 * behind the queue limit and memory bound, and how a message leaves (its final status written).
 */
export class DispatchState {
  readonly queues = new Map<string, ReadyQueue>();
  readonly holdings = new Holdings();
  /** Messages in the ready queues. */
  inMemory = 0;
  /** Submissions at an upstream (or waiting for their `sending` write). */
  inFlight = 0;
  /** Messages not yet sent (queued, scheduled, sending), for the queue limit. */
  unsent = 0;
  /** True while the store holds ready messages that memory does not. */
  backlog = false;
  /** A message was left to the store while a backlog scan was under way: scan again. */
  skippedWhileScanning = false;
  running = false;
  /** Wakes the pump (set by the dispatcher). */
  wake: () => void = () => {};

  constructor(readonly options: DispatcherOptions) {
    for (const name of options.connectors.keys()) this.queues.set(name, new ReadyQueue());
  }

  /** A claim made now: this node's until one lease from now. */
  lease(now = Date.now()): { owner: string; until: number } {
    return { owner: this.options.lease.owner, until: now + this.options.lease.ms };
  }

  /** Puts a message into its connector's ready queue (the default connector's if its own is gone). */
  enqueue(item: DispatchItem): void {
    let queue = this.queues.get(item.connector);
    if (!queue) {
      this.options.logger.warn(
        { messageId: item.id, connector: item.connector },
        'message names a connector that is not configured; using the default connector',
      );
      item.connector = this.options.defaultConnector;
      queue = this.queues.get(item.connector)!;
    }
    queue.push(item);
    this.inMemory++;
  }

  /** Connectors whose binds are all on other nodes (state `remote`): not this node's to send through. */
  connectorsElsewhere(): string[] {
    const names: string[] = [];
    for (const [name, connector] of this.options.connectors) {
      if (connector.status().state === 'remote') names.push(name);
    }
    return names;
  }

  /** Records a final status for a message that never reached `sent`. */
  finish(item: DispatchItem, change: StatusChange): void {
    this.unsent--;
    this.settle(item.id, this.options.writer.record(change));
  }

  /** Keeps a message marked as held until its status write is stored, then forgets it. */
  settle(id: string, write: Promise<unknown>): void {
    this.holdings.hold(id, 'settling');
    write.then(
      () => {
        if (this.holdings.get(id) === 'settling') this.holdings.release(id);
      },
      (error: unknown) => {
        this.options.logger.error({ err: error, messageId: id }, 'could not store a status change');
        if (this.holdings.get(id) === 'settling') this.holdings.release(id);
      },
    );
  }
}
