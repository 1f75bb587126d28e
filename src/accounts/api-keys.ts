import { createHash, timingSafeEqual } from 'node:crypto';
import { randomSecret } from '../core/ids.js';

const KEY_PATTERN = /^sk_([A-Za-z0-9]{10})_([A-Za-z0-9_-]{20,})$/;

/** A freshly made key: the whole key is shown once; only the prefix and hash are stored. */
export interface NewApiKey {
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

/** Makes a new API key `sk_<prefix>_<secret>` with 192 bits of secret. */
export function generateApiKey(): NewApiKey {
  const prefix = randomSecret(12)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 10)
    .padEnd(10, '0');
  const key = `sk_${prefix}_${randomSecret(24)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/**
 * Reads the visible prefix of a key, or undefined when the string is not shaped like one of ours
 * (so a typo fails fast without a database read).
 */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** SHA-256 hex: keys are long random strings, so a fast hash is enough and brute force is hopeless. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Compares a presented key with a stored hash in constant time. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** Whether a string could be an API key we issue (used to validate SMSGATE_ADMIN_KEY). */
export function isWellFormedApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
