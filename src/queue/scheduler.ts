import { MinHeap } from '../core/min-heap.js';
import type { DispatchItem } from './dispatch-item.js';

export interface ScheduledEntry {
  id: string;
  due: number;
  /** Present when the message is already in memory (a retry); absent when it must be read back. */
  item?: DispatchItem | undefined;
}

/**
 * Releases scheduled and retry-waiting messages when they fall due. Only what is due within the
 * horizon is held in memory (and only ids for messages not already in memory); the store holds
 * the rest and is read one horizon ahead, so a million messages scheduled for tomorrow cost
 * nothing today.
 */
export class Scheduler {
  private readonly heap = new MinHeap<ScheduledEntry>((entry) => entry.due);
  private horizonEnd = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private running = false;
  private loading: Promise<void> | undefined;

  constructor(
    /** Reads from the store what is due up to `until`, skipping what memory already holds. */
    private readonly loadDue: (until: number) => Promise<ScheduledEntry[]>,
    /** Receives entries whose time has come. */
    private readonly release: (entries: ScheduledEntry[]) => void,
    private readonly horizonMs = 60_000,
  ) {}

  get size(): number {
    return this.heap.size;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.advanceHorizon();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }

  /** Holds an entry until it is due. Entries beyond the horizon are left to the store. */
  add(entry: ScheduledEntry): boolean {
    if (entry.due > this.horizonEnd) return false;
    this.heap.push(entry);
    this.arm();
    return true;
  }

  private arm(): void {
    if (!this.running) return;
    const next = Math.min(this.heap.peek()?.due ?? Number.POSITIVE_INFINITY, this.horizonEnd);
    if (next >= this.timerDue && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = next;
    this.timer = setTimeout(() => this.tick(), Math.max(0, Math.min(next - Date.now(), this.horizonMs)));
  }

  private tick(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (!this.running) return;
    const now = Date.now();
    const due: ScheduledEntry[] = [];
    while ((this.heap.peek()?.due ?? Number.POSITIVE_INFINITY) <= now) due.push(this.heap.pop()!);
    if (due.length > 0) this.release(due);
    if (now >= this.horizonEnd - this.horizonMs / 4) {
      void this.advanceHorizon();
    } else {
      this.arm();
    }
  }

  private advanceHorizon(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const until = Date.now() + this.horizonMs;
        const entries = await this.loadDue(until);
        this.horizonEnd = until;
        for (const entry of entries) this.heap.push(entry);
      } catch {
        // The store is unreachable for now: try again shortly rather than lose scheduled messages.
        this.horizonEnd = Date.now() + 1000;
      } finally {
        this.loading = undefined;
        this.arm();
      }
    })();
    return this.loading;
  }
}
