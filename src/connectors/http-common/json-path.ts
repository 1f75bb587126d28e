/**
 * Reads a value at a simple path from parsed JSON or form fields: `sid`, `result.id`,
 * `messages[0].apiMessageId`. Undefined when any step is missing.
 */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(step);
    if (!match) return undefined;
    if (match[1]) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[match[1]];
    }
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(index[1])];
    }
  }
  return current;
}

/** A path's value as text (numbers and booleans too), or undefined. */
export function readText(value: unknown, path: string): string | undefined {
  const found = readPath(value, path);
  if (typeof found === 'string') return found;
  if (typeof found === 'number' || typeof found === 'boolean') return String(found);
  return undefined;
}
