import { ValidationError } from '../../core/errors.js';
import { decodeUtf8 } from '../input-safety.js';

/**
 * Reads a JSON body: strictly UTF-8 (RFC 8259; bytes that are not are a 400, not replacement
 * characters), keys that could poison prototypes (`__proto__`, `constructor.prototype`) refused,
 * and an empty body read as no body at all (many clients send `Content-Type: application/json` on
 * every request, with or without one; routes that need a body say so).
 */
export function parseJsonBody(body: Buffer): unknown {
  const text = decodeUtf8(body);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      `The body is not valid JSON: ${(error as Error).message}`,
      undefined,
      'invalid_json',
    );
  }
  if (text.includes('"__proto__"') || text.includes('"constructor"')) refusePoisoning(value);
  return value;
}

/** Walks (iteratively: bodies may be deep) for `__proto__` keys and `constructor.prototype`. */
function refusePoisoning(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      const poisoning =
        key === '__proto__' ||
        (key === 'constructor' && child !== null && typeof child === 'object' && 'prototype' in child);
      if (poisoning) {
        throw new ValidationError(
          `The body has a field named "${key}", which is not allowed`,
          key,
          'invalid_json',
        );
      }
      stack.push(child);
    }
  }
}
