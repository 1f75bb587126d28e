// Delivers a fake provider's callbacks (status reports, inbound messages) the way real providers do:
// a POST that is retried until the receiver answers 2xx or the retries run out. Not a test file.
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** One callback request a fake wants delivered. */
export interface OutgoingCallback {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What it reports (e.g. the status name), for the record only. */
  readonly label: string;
}

/** One attempt at delivering a callback, and what came of it. */
export interface CallbackAttempt {
  readonly callback: OutgoingCallback;
  /** 1 for the first try, 2 for the first retry … */
  readonly attempt: number;
  /** The receiver's status; undefined when the request failed (refused, reset, timed out). */
  readonly status: number | undefined;
  /** Why the request failed (an errno code such as ECONNREFUSED, or a message). */
  readonly error: string | undefined;
}

export interface CallbackSenderOptions {
  /** Delay before the first of a message's callbacks. */
  readonly delayMs: number;
  /** Delay between attempts. */
  readonly retryMs: number;
  /** Attempts after the first. */
  readonly retries: number;
  /** Deliver every callback twice (each copy on its own, with its own retries). */
  readonly duplicate: boolean;
  /** Deliver a message's callbacks last first. */
  readonly reverse: boolean;
  /** How long one attempt may wait for an answer. */
  readonly timeoutMs: number;
}

/** Sends callbacks with retries; `stop()` abandons everything still pending. */
export class CallbackSender {
  /** Every attempt made, in the order they finished. */
  readonly attempts: CallbackAttempt[] = [];
  /**
   * One controller per piece of work in progress (a delay, a delivery), all aborted by `stop()`.
   * Not one shared signal: twenty callbacks at once would hang twenty listeners on it (Node warns
   * past ten, and rightly: such a signal never lets go of them while work keeps coming).
   */
  private readonly inProgress = new Set<AbortController>();
  private stopped = false;
  private pending = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: CallbackSenderOptions) {}

  /** After the delay, delivers `callbacks` one after another (each acknowledged or given up first). */
  enqueue(callbacks: readonly OutgoingCallback[]): void {
    if (callbacks.length === 0) return;
    this.track(this.sequence(callbacks));
  }

  /** Delivers one callback now; resolves whether the receiver acknowledged it (every copy). */
  send(callback: OutgoingCallback): Promise<boolean> {
    const delivered = this.copies(callback);
    this.track(delivered);
    return delivered;
  }

  /** Resolves once nothing is pending (immediately if nothing is). */
  settled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Abandons pending callbacks and their timers. */
  stop(): void {
    this.stopped = true;
    for (const controller of this.inProgress) controller.abort();
    this.inProgress.clear();
  }

  /** Runs `work` with a signal of its own that `stop()` aborts. */
  private async cancellable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (this.stopped) controller.abort();
    this.inProgress.add(controller);
    try {
      return await work(controller.signal);
    } finally {
      this.inProgress.delete(controller);
    }
  }

  private async sequence(callbacks: readonly OutgoingCallback[]): Promise<void> {
    await this.cancellable((signal) => sleep(this.options.delayMs, undefined, { signal }));
    const ordered = this.options.reverse ? [...callbacks].reverse() : callbacks;
    for (const callback of ordered) await this.copies(callback);
  }

  private async copies(callback: OutgoingCallback): Promise<boolean> {
    const first = await this.deliver(callback);
    if (!this.options.duplicate) return first;
    const second = await this.deliver(callback);
    return first && second;
  }

  private deliver(callback: OutgoingCallback): Promise<boolean> {
    return this.cancellable(async (signal) => {
      for (let attempt = 1; attempt <= this.options.retries + 1; attempt++) {
        if (attempt > 1) await sleep(this.options.retryMs, undefined, { signal });
        if (signal.aborted) return false;
        const result = await post(callback, this.options.timeoutMs, signal);
        if (signal.aborted) return false;
        this.attempts.push({ callback, attempt, ...result });
        if (result.status !== undefined && result.status >= 200 && result.status < 300) return true;
      }
      return false;
    });
  }

  private track(work: Promise<unknown>): void {
    this.pending++;
    work
      .catch(() => undefined) // aborted by stop()
      .finally(() => {
        this.pending--;
        if (this.pending > 0) return;
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters) resolve();
      });
  }
}

function post(
  callback: OutgoingCallback,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ status: number | undefined; error: string | undefined }> {
  return new Promise((resolve) => {
    const body = Buffer.from(callback.body, 'utf8');
    const send = callback.url.startsWith('https:') ? https.request : http.request;
    const request = send(
      callback.url,
      {
        method: 'POST',
        agent: false,
        signal,
        timeout: timeoutMs,
        headers: { ...callback.headers, 'content-length': String(body.length) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode, error: undefined }));
        response.on('error', () => undefined); // reported by 'close'
        response.on('close', () => resolve({ status: undefined, error: 'response cut short' }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: undefined, error: error.code ?? error.message }),
    );
    request.end(body);
  });
}
