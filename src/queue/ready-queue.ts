import type { DispatchItem } from './dispatch-item.js';

/** A FIFO that does not shift arrays: a head index, compacted now and then. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Messages ready for one connector: most urgent priority first, first in first out within it. */
export class ReadyQueue {
  private readonly lanes: Fifo<DispatchItem>[] = [new Fifo(), new Fifo(), new Fifo(), new Fifo()];
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: DispatchItem): void {
    const lane = this.lanes[Math.min(3, Math.max(0, item.priority))]!;
    lane.push(item);
    this.count++;
  }

  shift(): DispatchItem | undefined {
    for (let i = 3; i >= 0; i--) {
      const lane = this.lanes[i]!;
      if (lane.length > 0) {
        this.count--;
        return lane.shift();
      }
    }
    return undefined;
  }
}
