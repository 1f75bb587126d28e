import { Fifo } from '../core/fifo.js';
import type { DispatchItem } from './dispatch-item.js';

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
