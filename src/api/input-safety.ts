import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../core/errors.js';

/** Deepest JSON nesting accepted; real requests need a handful of levels. */
export const MAX_INPUT_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Finds input no part of the gateway should ever see: nesting deeper than `maxDepth` (it would
 * overflow the stack when serialised), NUL characters (PostgreSQL text cannot hold them) and
 * unpaired UTF-16 surrogates (not text at all; the stores would silently replace them).
 * Walks iteratively, so hostile nesting cannot overflow the stack here either.
 */
export function findUnsafeInput(
  value: unknown,
  root: string,
  maxDepth = MAX_INPUT_DEPTH,
): { field: string; problem: string } | undefined {
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length > 0) {
    const [current, path, depth] = stack.pop()!;
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) return { field: path, problem };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) {
      // Name the top-level field: the full path of hostile nesting is as long as the nesting.
      return {
        field: path.split(/[.[]/, 1)[0] ?? path,
        problem: `is nested more than ${maxDepth} levels deep`,
      };
    }
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push([current[i], `${path}[${i}]`, depth + 1]);
    } else {
      for (const [key, child] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        const keyProblem = stringProblem(key);
        if (keyProblem) return { field: childPath, problem: `has a field name that ${keyProblem}` };
        stack.push([child, childPath, depth + 1]);
      }
    }
  }
  return undefined;
}

function stringProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired surrogate (not valid Unicode)';
  return undefined;
}

/** A preValidation hook refusing unsafe bodies, query strings and path parameters with a 400. */
export async function rejectUnsafeInput(request: FastifyRequest): Promise<void> {
  const found =
    findUnsafeInput(request.params, '') ??
    findUnsafeInput(request.query, '') ??
    findUnsafeInput(request.body, '');
  if (found) {
    const name = found.field || 'body';
    throw new ValidationError(`${name} ${found.problem}`, found.field || undefined, 'invalid_input');
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a body that must be UTF-8 (JSON is, RFC 8259), refusing bytes that are not: a lenient
 * decoder would replace them with U+FFFD and store text the client never sent.
 */
export function decodeUtf8(body: Buffer): string {
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    const offset = firstInvalidUtf8(body);
    throw new ValidationError(
      `The body is not valid UTF-8: byte ${offset} (0x${(body[offset] ?? 0).toString(16).padStart(2, '0')}) does not start a UTF-8 character`,
      undefined,
      'invalid_utf8',
    );
  }
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence (Unicode 15, table 3-7). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (length === 0) return i;
    // The second byte's range excludes overlong forms, UTF-16 surrogates and values past U+10FFFF.
    const [low, high] =
      lead === 0xe0
        ? [0xa0, 0xbf]
        : lead === 0xed
          ? [0x80, 0x9f]
          : lead === 0xf0
            ? [0x90, 0xbf]
            : lead === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}

/**
 * Fastify's JSON parser with the body decoded strictly as UTF-8 first (Fastify's own decodes with
 * replacement characters); prototype-poisoning keys are refused as before.
 */
export function strictJsonParser(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    let text: string;
    try {
      text = decodeUtf8(body);
    } catch (error) {
      done(error as Error);
      return;
    }
    parseJson(request, text, done);
  };
}
