import { createHash } from 'node:crypto';
import { ConflictError, ValidationError } from '../core/errors.js';
import type { Store } from '../store/open-store.js';
import { findIdempotentResponse } from '../store/queries/idempotency.js';

export interface IdempotentResult {
  status: number;
  body: string;
  replayed: boolean;
}

/**
 * Makes a create request safe to retry: the same `Idempotency-Key` with the same request returns
 * the original response (for 24 h by default); with a different request it is a 409. Concurrent
 * requests with one key wait for the first to finish instead of both creating messages.
 */
export class IdempotencyGuard {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * Runs `create` unless this key has a stored response. `create` receives the request hash and
   * must store its response with that key in the same transaction as what it creates.
   */
  async run(
    accountId: string,
    key: string,
    request: { method: string; path: string; body: unknown },
    create: (requestHash: string) => Promise<{ status: number; body: string }>,
  ): Promise<IdempotentResult> {
    if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw new ValidationError(
        'Idempotency-Key must be 1 to 255 printable ASCII characters',
        'Idempotency-Key',
      );
    }
    // The same request with its fields in another order is the same request.
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.path}\n${canonicalJson(request.body)}`)
      .digest('hex');
    const slot = `${accountId}\u0000${key}`;
    for (let waiting = this.inFlight.get(slot); waiting; waiting = this.inFlight.get(slot)) {
      await waiting.catch(() => {});
    }
    // Claim the key before the first await, so a concurrent request with it waits for this one.
    const work = (async (): Promise<IdempotentResult> => {
      const notBefore = Date.now() - this.ttlSeconds * 1000;
      const stored = await findIdempotentResponse(this.store, accountId, key, notBefore);
      if (stored) {
        if (stored.requestHash !== requestHash) {
          throw new ConflictError(
            'This Idempotency-Key was already used with a different request',
            'idempotency_key_reused',
          );
        }
        return { status: stored.statusCode, body: stored.response, replayed: true };
      }
      return { ...(await create(requestHash)), replayed: false };
    })();
    this.inFlight.set(slot, work);
    try {
      return await work;
    } finally {
      if (this.inFlight.get(slot) === work) this.inFlight.delete(slot);
    }
  }
}

/**
 * JSON with every object's keys sorted, so two bodies that differ only in key order hash alike.
 * Bodies reach it depth-checked (input-safety.ts), so recursion is bounded.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  const sort = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sort);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node).sort()) out[key] = sort((node as Record<string, unknown>)[key]);
      return out;
    }
    return node;
  };
  return JSON.stringify(sort(value));
}
