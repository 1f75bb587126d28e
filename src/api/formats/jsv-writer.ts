import { jsvDate } from './dotnet-dates.js';

/** Options for {@link stringifyJsv}. */
export interface JsvWriteOptions {
  /** Deepest nesting written before giving up (default 64; a cycle ends here too). */
  readonly maxDepth?: number;
}

/** Default {@link JsvWriteOptions.maxDepth}: past the parser's 32, so anything parsed can be written. */
export const JSV_WRITE_MAX_DEPTH = 64;

/** Characters that make ServiceStack quote a string (its `JsWriter.HasAnyEscapeChars`). */
const NEEDS_QUOTES = /[":,{}[\]\r\n]/;
const EDGE_WHITESPACE = /^\s|\s$/;

/**
 * Writes a value as ServiceStack JSV, the way `JsvSerializer` does:
 * - objects `{Key:Value}` with own enumerable properties in their order; null and undefined
 *   properties omitted (`IncludeNullValues` is off by default);
 * - arrays `[a,b]`; a null or undefined item is written as nothing (so `[null]` reads back as `[]`,
 *   as in ServiceStack);
 * - strings quoted only when they hold `"` `:` `,` `{` `}` `[` `]` CR or LF, inner quotes doubled,
 *   the empty string as `""`; GUIDs and other text as given;
 * - booleans `True`/`False`; numbers in invariant form (`1E+21`, `NaN`, `Infinity`); bigints as digits;
 * - Dates in the shortest XSD form ({@link jsvDate}, UTC).
 * Keys are quoted by the same rule, and also when they start or end with whitespace (the reader
 * trims unquoted keys). A top-level null or undefined gives the empty string.
 *
 * @throws TypeError for functions and symbols, RangeError for invalid Dates or nesting past
 *   `maxDepth` (these are programming errors, never caused by a request).
 */
export function stringifyJsv(value: unknown, options: JsvWriteOptions = {}): string {
  const out: string[] = [];
  writeValue(value, out, 0, options.maxDepth ?? JSV_WRITE_MAX_DEPTH);
  return out.join('');
}

function writeValue(value: unknown, out: string[], depth: number, maxDepth: number): void {
  switch (typeof value) {
    case 'string':
      out.push(quoteJsv(value));
      return;
    case 'number':
      out.push(formatInvariantNumber(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'boolean':
      out.push(value ? 'True' : 'False');
      return;
    case 'undefined':
      return;
    case 'function':
    case 'symbol':
      throw new TypeError(`JSV cannot represent a ${typeof value}`);
  }
  if (value === null) return;
  if (value instanceof Date) {
    out.push(jsvDate(value));
    return;
  }
  if (depth >= maxDepth)
    throw new RangeError(`JSV value is nested deeper than ${maxDepth} levels (a cycle?)`);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      writeValue(value[i], out, depth + 1, maxDepth);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const [key, member] of Object.entries(value as object)) {
    if (member === null || member === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(EDGE_WHITESPACE.test(key) ? quote(key) : quoteJsv(key), ':');
    writeValue(member, out, depth + 1, maxDepth);
  }
  out.push('}');
}

/** A string as a JSV scalar: bare unless it needs quotes (see {@link stringifyJsv}). */
export function quoteJsv(text: string): string {
  return text === '' || NEEDS_QUOTES.test(text) ? quote(text) : text;
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * A number the way .NET writes a double with the invariant culture: shortest round-trip digits,
 * `E` exponents with at least two digits (`1E+21`, `1E-07`), `NaN`, `Infinity`, `-Infinity`.
 */
export function formatInvariantNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const sign = text.charAt(e + 1);
  const digits = text.slice(e + 2).padStart(2, '0');
  return `${text.slice(0, e)}E${sign}${digits}`;
}
