import { randomBytes, randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

/**
 * Random numbers in [0, 1) for ULIDs, from a pool of cryptographic random bytes refilled 4 KiB at a
 * time. ulidx's own source asks the OS for one byte per character (16 calls per id), which was 4 %
 * of the gateway's CPU under load; the pool makes it one call per 256 ids.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;
export function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  // A byte / 256 is uniform over 256 values below 1 (ulidx maps it onto its 32 characters).
  return pool[next++]! / 256;
}

const ulid = monotonicFactory(pooledRandom);

/**
 * A new message id: a ULID (time-ordered, so ids sort by creation and make good B-tree keys),
 * prefixed so ids of different kinds cannot be confused.
 */
export function newMessageId(): string {
  return `msg_${ulid()}`;
}

/** A new id with the given prefix (accounts, keys, inbound messages …). */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

/** A random URL-safe secret of `bytes` bytes of entropy. */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
