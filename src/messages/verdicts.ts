import { isFinalStatus, type MessageStatus } from '../core/statuses.js';
import type { CommittedChange } from '../queue/status-writer.js';

/** Where a message stands when a caller asks for its verdict. */
export interface Verdict {
  readonly id: string;
  readonly status: MessageStatus;
  readonly code: string | null;
  readonly detail: string | null;
}

/** A verdict is `sent` (the upstream took it) or a final status; anything else is still pending. */
export function isVerdict(status: string): boolean {
  return status === 'sent' || isFinalStatus(status);
}

type Listener = (verdict: Verdict) => void;

/**
 * Lets callers wait for messages to reach a verdict. The status writer tells it every change it has
 * committed; a waiter registers before it reads the store, so no change slips between the two.
 */
export class VerdictWaiters {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Status changes just committed (called by the status writer after each flush). */
  committed(changes: readonly CommittedChange[]): void {
    if (this.listeners.size === 0) return;
    for (const change of changes) {
      if (!isVerdict(change.status)) continue;
      const listeners = this.listeners.get(change.message_id);
      if (!listeners) continue;
      const verdict: Verdict = {
        id: change.message_id,
        status: change.status as MessageStatus,
        code: change.code ?? null,
        detail: change.detail ?? null,
      };
      for (const listener of listeners) listener(verdict);
    }
  }

  /**
   * Resolves with every message's verdict, or, for those still pending when `timeoutMs` ends,
   * where they stand then (`read` gives the store's view; the messages keep going either way).
   */
  async waitFor(
    ids: readonly string[],
    timeoutMs: number,
    read: (ids: readonly string[]) => Promise<Verdict[]>,
  ): Promise<Map<string, Verdict>> {
    const verdicts = new Map<string, Verdict>();
    let wake: () => void = () => {};
    const allIn = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const pending = new Set(ids);
    const registered: [string, Listener][] = [];
    const settle = (verdict: Verdict) => {
      if (!pending.delete(verdict.id)) return;
      verdicts.set(verdict.id, verdict);
      if (pending.size === 0) wake();
    };
    for (const id of pending) {
      let set = this.listeners.get(id);
      if (!set) {
        set = new Set();
        this.listeners.set(id, set);
      }
      set.add(settle);
      registered.push([id, settle]);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      for (const current of await read([...pending])) if (isVerdict(current.status)) settle(current);
      if (pending.size > 0) {
        await Promise.race([allIn, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      }
    } finally {
      if (timer) clearTimeout(timer);
      for (const [id, listener] of registered) {
        const set = this.listeners.get(id);
        set?.delete(listener);
        if (set?.size === 0) this.listeners.delete(id);
      }
    }
    if (pending.size > 0) for (const current of await read([...pending])) verdicts.set(current.id, current);
    return verdicts;
  }
}
