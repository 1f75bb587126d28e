interface Batch<T> {
  items: T[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects items from many concurrent callers and writes them with one `flush` call (one
 * transaction) at a time. While a flush runs, new items gather for the next one, so batches grow
 * with load and a lone request still commits at once. Every caller of a batch shares one promise.
 */
export class GroupCommitter<T> {
  private current: Batch<T> | undefined;
  private readonly queue: Batch<T>[] = [];
  private flushing = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  /**
   * @param maxConcurrent flushes allowed at once: 1 keeps batches in order (required where later
   *   items may depend on earlier ones); more lets a networked database commit batches in parallel.
   */
  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly maxBatch: number,
    private readonly maxConcurrent = 1,
  ) {}

  /** Adds an item; resolves when the transaction holding it has committed. */
  submit(item: T): Promise<void> {
    const batch = this.openBatch();
    batch.items.push(item);
    if (batch.items.length >= this.maxBatch) this.current = undefined;
    this.scheduleFlush();
    return batch.promise;
  }

  /** Adds several items to the same transaction. */
  submitAll(items: readonly T[]): Promise<void> {
    if (items.length > this.maxBatch) this.current = undefined;
    const batch = this.openBatch();
    batch.items.push(...items);
    if (batch.items.length >= this.maxBatch) this.current = undefined;
    this.scheduleFlush();
    return batch.promise;
  }

  /** Items waiting or being written. */
  get pending(): number {
    let n = 0;
    for (const batch of this.queue) n += batch.items.length;
    return n;
  }

  /** Resolves once everything submitted so far has been written (or has failed). */
  idle(): Promise<void> {
    if (this.flushing === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private openBatch(): Batch<T> {
    if (this.current) return this.current;
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A caller that stops listening must not turn a failed batch into an unhandled rejection.
    promise.catch(() => {});
    const batch: Batch<T> = { items: [], promise, resolve, reject };
    this.current = batch;
    this.queue.push(batch);
    return batch;
  }

  private scheduleFlush(): void {
    if (this.flushing >= this.maxConcurrent || this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.flushing >= this.maxConcurrent) return;
    this.flushing++;
    try {
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) {
        if (batch === this.current) this.current = undefined;
        // While this batch is written, the next one may start on another connection.
        if (this.queue.length > 0 || this.maxConcurrent > 1) this.scheduleFlush();
        try {
          await this.flush(batch.items);
          batch.resolve();
        } catch (error) {
          batch.reject(error);
        }
      }
    } finally {
      this.flushing--;
      if (this.flushing === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }
}
