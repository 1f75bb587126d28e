import type { z } from 'zod';
import { ValidationError } from '../core/errors.js';

/** Turns the first problem zod found into a ValidationError that names the field. */
export function zodToValidationError(error: z.ZodError, fieldPrefix = ''): ValidationError {
  const issue = error.issues[0];
  if (!issue) return new ValidationError('The request is invalid');
  const path = fieldPrefix + formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    return new ValidationError(
      `Unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
      keys[0],
      'unknown_field',
    );
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return new ValidationError(`${path || 'body'} is required`, path || undefined);
  }
  if (!path) return new ValidationError(`The body is invalid: ${issue.message}`);
  return new ValidationError(`${path}: ${issue.message}`, path);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Parses a request part (an absent one as `{}`), or throws a 400 naming the field at fault. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw zodToValidationError(parsed.error);
  return parsed.data;
}
