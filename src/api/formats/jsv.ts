import { JsvSyntaxError } from './format-errors.js';
import { defineOwn } from './own-property.js';

export { formatDotNetJsonDate, jsvDate, parseDotNetDate } from './dotnet-dates.js';
export { formatGuidD, formatGuidN, parseDotNetBool, parseGuid } from './dotnet-values.js';
export { JsvSyntaxError } from './format-errors.js';
export { stringifyJsv } from './jsv-writer.js';
export { getProperty } from './property-lookup.js';

/**
 * A parsed JSV value. JSV has no typed scalars: numbers, booleans, GUIDs and dates all arrive as
 * strings, and the caller converts them (see `parseDotNetBool`, `parseGuid`, `parseDotNetDate`).
 */
export type JsvValue = string | JsvValue[] | { [key: string]: JsvValue };

/** Limits and mode for {@link parseJsv}. */
export interface JsvParseOptions {
  /** Deepest nesting of objects and lists accepted (default 32). */
  readonly maxDepth?: number;
  /** Longest text accepted, in UTF-16 code units (default 1 MiB, .NET's `MaxCharactersInDocument`). */
  readonly maxLength?: number;
  /**
   * Ignore whitespace around structural characters and trim unquoted values, so the indented JSV
   * shown on ServiceStack metadata pages reads as intended. Off by default: on the wire whitespace
   * is part of the value, as in ServiceStack (`{A: 1}` gives `" 1"`).
   */
  readonly lenient?: boolean;
}

/** Default {@link JsvParseOptions.maxDepth}. */
export const JSV_MAX_DEPTH = 32;
/** Default {@link JsvParseOptions.maxLength}. */
export const JSV_MAX_LENGTH = 1024 * 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const SPACED_STRUCTURE = /[:,[{]\s+[{[]/;

type Frame =
  | { readonly list: JsvValue[]; readonly object?: undefined }
  | { readonly object: Record<string, JsvValue>; key: string; readonly list?: undefined };

/**
 * Reads ServiceStack's JSV text format (`{Key:Value,K2:[a,b]}`, `"…"` quoting with doubled inner
 * quotes). Keys are trimmed; values keep their whitespace unless `lenient`. A top-level unquoted
 * scalar is the whole text (trimmed when lenient); whitespace around a top-level object, list or
 * quoted string is ignored in both modes. A repeated key keeps its last value, as ServiceStack
 * assigns properties in order. Iterative (an explicit stack), linear in the input.
 *
 * @throws JsvSyntaxError for malformed input, nesting past `maxDepth` or text past `maxLength`, and
 *   never any other error.
 */
export function parseJsv(text: string, options: JsvParseOptions = {}): JsvValue {
  const maxLength = options.maxLength ?? JSV_MAX_LENGTH;
  if (typeof text !== 'string') throw new JsvSyntaxError('JSV input must be text');
  if (text.length > maxLength) {
    throw new JsvSyntaxError(
      `JSV is longer than the limit of ${maxLength} characters`,
      maxLength,
      'jsv_too_large',
    );
  }
  const lenient = options.lenient === true;
  const start = skipWhitespace(text, 0);
  const first = text.charCodeAt(start);
  if (first !== LBRACE && first !== LBRACKET && first !== QUOTE) {
    return lenient ? trimWhitespace(text, 0, text.length) : text;
  }
  return new JsvReader(text, lenient, options.maxDepth ?? JSV_MAX_DEPTH).read(start);
}

class JsvReader {
  private pos = 0;
  private readonly stack: Frame[] = [];

  constructor(
    private readonly text: string,
    private readonly lenient: boolean,
    private readonly maxDepth: number,
  ) {}

  read(start: number): JsvValue {
    const { text } = this;
    this.pos = start;
    let result: JsvValue | undefined;
    // Each turn reads one value (opening a container counts as starting one), then the separators
    // after it; `result` is set once the outermost value is complete.
    while (result === undefined) {
      const value = this.readValueOrOpen();
      if (value === undefined) continue;
      let done: JsvValue | undefined = value;
      while (done !== undefined) {
        const frame = this.stack[this.stack.length - 1];
        if (frame === undefined) {
          result = done;
          break;
        }
        if (frame.list) frame.list.push(done);
        else defineOwn(frame.object, frame.key, done);
        done = this.afterValue(frame);
      }
    }
    const end = skipWhitespace(text, this.pos);
    if (end < text.length)
      throw this.error(`unexpected ${describe(text, end)} after the end of the value`, end);
    return result;
  }

  /** A scalar value, or undefined after opening a container (its contents come next). */
  private readValueOrOpen(): JsvValue | undefined {
    const { text } = this;
    if (this.lenient) this.pos = skipWhitespace(text, this.pos);
    const c = text.charCodeAt(this.pos);
    if (c === LBRACE) {
      this.push({ object: {}, key: '' });
      this.pos++;
      if (this.closesEmpty(RBRACE)) return this.pop();
      this.readKey();
      return undefined;
    }
    if (c === LBRACKET) {
      this.push({ list: [] });
      this.pos++;
      if (this.closesEmpty(RBRACKET)) return this.pop();
      return undefined;
    }
    if (c === QUOTE) return this.readQuoted();
    return this.readRaw(this.stack[this.stack.length - 1]?.list ? RBRACKET : RBRACE);
  }

  /** After a value inside `frame`: a separator (then the next key) or the closing bracket. */
  private afterValue(frame: Frame): JsvValue | undefined {
    const { text } = this;
    if (this.lenient) this.pos = skipWhitespace(text, this.pos);
    const c = text.charCodeAt(this.pos);
    const close = frame.list ? RBRACKET : RBRACE;
    if (c === COMMA) {
      this.pos++;
      if (frame.object) this.readKey();
      return undefined;
    }
    if (c === close) {
      this.pos++;
      return this.pop();
    }
    const expected = frame.list ? "',' or ']'" : "',' or '}'";
    throw this.error(`expected ${expected} but found ${describe(text, this.pos)}`, this.pos);
  }

  /** Reads `Key:` (raw and trimmed, or quoted) into the current object frame. */
  private readKey(): void {
    const { text } = this;
    const frame = this.stack[this.stack.length - 1];
    if (!frame?.object) throw this.error('internal: key outside an object', this.pos);
    this.pos = skipWhitespace(text, this.pos);
    const c = text.charCodeAt(this.pos);
    if (c === QUOTE) {
      frame.key = this.readQuoted();
      this.pos = skipWhitespace(text, this.pos);
      if (text.charCodeAt(this.pos) !== COLON) {
        throw this.error(`expected ':' after property name but found ${describe(text, this.pos)}`, this.pos);
      }
    } else {
      if (c === LBRACE || c === LBRACKET) {
        throw this.error('object or list keys (complex dictionary keys) are not supported', this.pos);
      }
      const start = this.pos;
      for (;;) {
        const k = text.charCodeAt(this.pos);
        if (k === COLON) break;
        if (
          Number.isNaN(k) ||
          k === COMMA ||
          k === RBRACE ||
          k === RBRACKET ||
          k === LBRACE ||
          k === LBRACKET ||
          k === QUOTE
        ) {
          throw this.error(
            `expected ':' after property name but found ${describe(text, this.pos)}`,
            this.pos,
          );
        }
        this.pos++;
      }
      frame.key = text.slice(start, this.pos).trim();
    }
    this.pos++;
  }

  /** `"…"` with `""` for an inner quote; leaves `pos` after the closing quote. */
  private readQuoted(): string {
    const { text } = this;
    const open = this.pos;
    let from = open + 1;
    let out = '';
    for (;;) {
      const quote = text.indexOf('"', from);
      if (quote < 0) throw this.error('unterminated quoted string', open);
      out += text.slice(from, quote);
      if (text.charCodeAt(quote + 1) === QUOTE) {
        out += '"';
        from = quote + 2;
      } else {
        this.pos = quote + 1;
        return out;
      }
    }
  }

  /** An unquoted value: everything up to the next `,` or the frame's closing bracket. */
  private readRaw(close: number): string {
    const { text } = this;
    const start = this.pos;
    let i = start;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === close) break;
    }
    if (i >= text.length) {
      throw this.error(`missing '${close === RBRACE ? '}' : ']'}' before the end of the text`, text.length);
    }
    this.pos = i;
    return this.lenient ? trimWhitespace(text, start, i) : text.slice(start, i);
  }

  /** After an opening bracket: consumes the closing one right away (`{}`, `[]`) if it is there. */
  private closesEmpty(close: number): boolean {
    const at = this.lenient || close === RBRACE ? skipWhitespace(this.text, this.pos) : this.pos;
    if (this.text.charCodeAt(at) !== close) return false;
    this.pos = at + 1;
    return true;
  }

  private push(frame: Frame): void {
    if (this.stack.length >= this.maxDepth) {
      throw this.error(`nested deeper than the limit of ${this.maxDepth} levels`, this.pos, 'jsv_too_deep');
    }
    this.stack.push(frame);
  }

  private pop(): JsvValue {
    const frame = this.stack.pop();
    if (!frame) throw this.error('internal: unbalanced close', this.pos);
    return frame.list ? frame.list : frame.object;
  }

  private error(problem: string, position: number, code?: string): JsvSyntaxError {
    // Indented JSV (as on metadata pages) is the usual way to get here by accident; say why.
    const hint =
      !this.lenient && code === undefined && SPACED_STRUCTURE.test(this.text)
        ? '. Whitespace is part of JSV values, so "{A: {B:1}}" is not a nested object'
        : '';
    return new JsvSyntaxError(
      `Invalid JSV at ${where(this.text, position)}: ${problem}${hint}`,
      position,
      code,
    );
  }
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

function trimWhitespace(text: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && isWhitespace(text.charCodeAt(s))) s++;
  while (e > s && isWhitespace(text.charCodeAt(e - 1))) e--;
  return text.slice(s, e);
}

/** `line L, column C (offset O)`, 1-based, for messages a person reads. */
function where(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${end - lineStart + 1} (offset ${position})`;
}

function describe(text: string, position: number): string {
  if (position >= text.length) return 'the end of the text';
  const c = text.charAt(position);
  return c === '\n' ? 'a line break' : c === '\r' ? 'a carriage return' : `'${c}'`;
}
