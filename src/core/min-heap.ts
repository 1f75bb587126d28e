/** A binary min-heap on a numeric key (due times, in the scheduler and the webhook deliverer). */
export class MinHeap<T> {
  private readonly heap: T[] = [];

  constructor(private readonly key: (item: T) => number) {}

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    const { heap, key } = this;
    const k = key(item);
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (key(heap[parent]!) <= k) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): T | undefined {
    const { heap, key } = this;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      const k = key(last);
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && key(heap[right]!) < key(heap[left]!) ? right : left;
        if (key(heap[child]!) >= k) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
