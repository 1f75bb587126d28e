import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;
let computed = 0;

/** How many scrypt computations this process has run (hashes and checks): the tests and benches count work with it. */
export function secretHashCount(): number {
  return computed;
}

/**
 * Hashes a secret people may choose (a dialect's API password, an SMPP password) with scrypt and a
 * random salt: unlike our generated API keys, such secrets can be short enough to guess.
 */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  computed++;
  const hash = await scryptAsync(secret, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

/** Checks a secret against `hashSecret`'s output in constant time. */
export async function secretMatches(secret: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  computed++;
  const actual = await scryptAsync(secret, Buffer.from(saltHex, 'hex'), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
