import type { FastifyRequest } from 'fastify';
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
