import type { OutboundMessage, SubmitResult } from '../connector.js';

interface Pending {
  message: OutboundMessage;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
}

/** One message's outcome within a batch: accepted (with its upstream ids) or an error. */
export type BatchOutcome = SubmitResult | Error;

/**
 * Gathers single submissions into batches for providers that take many messages per request: a
 * batch leaves when it is full or `maxWaitMs` after its first message, and each submitter gets its
 * own message's outcome.
 */
export class SubmitBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (messages: readonly OutboundMessage[]) => Promise<BatchOutcome[]>,
    private readonly maxBatch: number,
    private readonly maxWaitMs: number,
  ) {}

  submit(message: OutboundMessage): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** Sends what is gathered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.send(batch.map((p) => p.message)).then(
      (outcomes) => {
        batch.forEach((p, i) => {
          const outcome = outcomes[i];
          if (outcome === undefined)
            p.reject(new Error('the provider answered fewer messages than were sent'));
          else if (outcome instanceof Error) p.reject(outcome);
          else p.resolve(outcome);
        });
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  }
}
