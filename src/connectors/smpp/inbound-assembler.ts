/** One part of a concatenated inbound message. */
export interface InboundPart {
  from: string;
  to: string;
  text: string;
  concat: { reference: number; total: number; seqnum: number };
}

interface Pending {
  parts: (string | undefined)[];
  received: number;
  firstAt: number;
  from: string;
  to: string;
}

/**
 * Puts concatenated inbound messages back together. Parts are keyed by sender, recipient, reference
 * and total; a message is complete when every part has arrived. A message whose parts stop coming is
 * released as it stands after `maxWaitMs` (missing parts shown as "…"), never silently dropped.
 */
export class InboundAssembler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly emit: (message: { from: string; to: string; text: string }) => void,
    private readonly maxWaitMs = 10 * 60_000,
  ) {}

  add(part: InboundPart): void {
    const { reference, total, seqnum } = part.concat;
    if (total <= 1 || seqnum < 1 || seqnum > total) {
      this.emit({ from: part.from, to: part.to, text: part.text });
      return;
    }
    const key = `${part.from}|${part.to}|${reference}|${total}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { parts: new Array(total), received: 0, firstAt: Date.now(), from: part.from, to: part.to };
      this.pending.set(key, entry);
    }
    if (entry.parts[seqnum - 1] === undefined) entry.received++;
    entry.parts[seqnum - 1] = part.text;
    if (entry.received === total) {
      this.pending.delete(key);
      this.emit({ from: entry.from, to: entry.to, text: entry.parts.join('') });
    }
    this.releaseStale();
  }

  /** Parts waiting for their siblings. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Releases every incomplete message (on shutdown, and when parts are overdue). */
  releaseStale(now = Date.now(), all = false): void {
    for (const [key, entry] of this.pending) {
      if (!all && now - entry.firstAt < this.maxWaitMs) continue;
      this.pending.delete(key);
      this.emit({ from: entry.from, to: entry.to, text: Array.from(entry.parts, (p) => p ?? '…').join('') });
    }
  }
}
