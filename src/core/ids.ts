import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

const ulid = monotonicFactory();

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
