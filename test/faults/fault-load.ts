/**
 * The load a fault is injected under: single-recipient POST /v1/messages over a few keep-alive
 * connections, each message to its own number (so the simulator's records tell duplicates apart)
 * and with a callbackUrl (so every status change is an event the receiver must get). Records
 * exactly what was acknowledged: only a complete 202 counts.
 */
import { TEST_ADMIN_KEY } from '../helpers/gateway.js';

export interface LoadOptions {
  /** Where the gateway listens; a function when it changes (a restarted process). */
  baseUrl: () => string;
  /** One message per number, in order. */
  numbers: readonly string[];
  callbackUrl: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Called after each 202 with the number of 202s so far (a fault is injected from here). */
  onAccepted?: (accepted: number) => void | Promise<void>;
  /** A pause each worker takes between its requests, so the load spans a fault instead of racing past it. */
  spacingMs?: number;
  /**
   * Send a number again after a 503 (what a client told "nothing was accepted, retry later" does),
   * after `spacingMs`; otherwise a refused number is given up.
   */
  retryRefused?: boolean;
}

export interface LoadResult {
  /** Message id → its number, for every 202. */
  accepted: Map<string, string>;
  /** Answers other than 202, by status, and the first body of each. */
  refused: Map<number, { count: number; firstBody: string }>;
  /** Requests that got no complete answer (connection refused, reset, or cut mid-body). */
  cut: number;
}

export async function fireLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { accepted: new Map(), refused: new Map(), cut: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    const again: string[] = [];
    for (;;) {
      const to = again.pop() ?? options.numbers[next++];
      if (to === undefined) return;
      let status: number;
      let body: string;
      try {
        const response = await fetch(`${options.baseUrl()}/v1/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to, text: `fault ${to}`, callbackUrl: options.callbackUrl }),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        body = await response.text();
      } catch {
        result.cut++;
        continue;
      }
      if (status === 202) {
        const id = (JSON.parse(body) as { messages: { id: string }[] }).messages[0]?.id;
        if (!id) throw new Error(`a 202 without a message id: ${body}`);
        result.accepted.set(id, to);
        await options.onAccepted?.(result.accepted.size);
      } else {
        const seen = result.refused.get(status);
        if (seen) seen.count++;
        else result.refused.set(status, { count: 1, firstBody: body });
        if (status === 503 && options.retryRefused) again.push(to);
      }
      if (options.spacingMs) await new Promise((r) => setTimeout(r, options.spacingMs));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return result;
}

/** The refusals as a plain object for messages and figures. */
export function refusedSummary(result: LoadResult): Record<string, { count: number; firstBody: string }> {
  return Object.fromEntries([...result.refused].map(([status, v]) => [String(status), v]));
}
