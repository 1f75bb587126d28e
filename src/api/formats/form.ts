import { FormBodyError } from './format-errors.js';
import { defineOwn } from './own-property.js';

export { FormBodyError } from './format-errors.js';

/** Form fields by name; a name sent more than once holds all its values in order. */
export type FormFields = Record<string, string | string[]>;

/** Limits for {@link parseForm} and `parseMultipart`. */
export interface FormLimits {
  /** Most fields accepted (default 1000, ASP.NET's `MaxHttpCollectionKeys`). */
  readonly maxFields?: number;
  /** Longest field name, in UTF-8 bytes after decoding (default 1024). */
  readonly maxNameBytes?: number;
  /** Longest field value, in UTF-8 bytes after decoding (default 64 KiB). */
  readonly maxValueBytes?: number;
}

/** Default {@link FormLimits}. */
export const FORM_LIMITS = { maxFields: 1000, maxNameBytes: 1024, maxValueBytes: 64 * 1024 } as const;

const HEX = /^[0-9a-fA-F]{2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses an `application/x-www-form-urlencoded` body (`a=1&b=x+y&a=2`) the WHATWG way (`+` is a
 * space, empty pairs are skipped, a pair without `=` has the empty value, a `%` not followed by two
 * hex digits stays as it is), with one difference: percent-escapes must spell valid UTF-8. Where
 * `URLSearchParams` silently turns `%C3%28` into U+FFFD, this refuses the body, so a message's text
 * is never corrupted on the way in. Bytes must be UTF-8 too (the charset parameter is not
 * consulted: forms are UTF-8 on every client we serve). Not built on `URLSearchParams` for a
 * second reason: Node 20's garbles a stray `%` before an escape when non-ASCII text follows
 * (`%%2a😀` gives `%*=\u0000`); the fuzz tests compare against the WHATWG algorithm instead.
 *
 * @throws FormBodyError for invalid UTF-8 or a limit passed; never any other error.
 */
export function parseForm(body: string | Uint8Array, limits: FormLimits = {}): FormFields {
  const maxFields = limits.maxFields ?? FORM_LIMITS.maxFields;
  const maxNameBytes = limits.maxNameBytes ?? FORM_LIMITS.maxNameBytes;
  const maxValueBytes = limits.maxValueBytes ?? FORM_LIMITS.maxValueBytes;
  const text = typeof body === 'string' ? body : decodeBody(body);
  const fields: FormFields = {};
  let count = 0;
  let offset = 0;
  for (const pair of text.split('&')) {
    const at = offset;
    offset += pair.length + 1;
    if (pair === '') continue;
    if (++count > maxFields)
      throw new FormBodyError('form', `The form has more than ${maxFields} fields`, at);
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals < 0 ? pair : pair.slice(0, equals), at, 'a field name');
    if (Buffer.byteLength(name) > maxNameBytes) {
      throw new FormBodyError('form', `A form field name is longer than ${maxNameBytes} bytes`, at);
    }
    const value =
      equals < 0 ? '' : decodeComponent(pair.slice(equals + 1), at + equals + 1, `field "${name}"`);
    if (Buffer.byteLength(value) > maxValueBytes) {
      throw new FormBodyError('form', `Form field "${name}" is longer than ${maxValueBytes} bytes`, at);
    }
    addField(fields, name, value);
  }
  return fields;
}

/** Adds one value under `name`, turning a repeated name into an array of its values. */
export function addField(fields: FormFields, name: string, value: string): void {
  const existing = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (existing === undefined) defineOwn<string | string[]>(fields, name, value);
  else if (typeof existing === 'string') defineOwn<string | string[]>(fields, name, [existing, value]);
  else existing.push(value);
}

function decodeBody(body: Uint8Array): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new FormBodyError('form', 'The form body is not valid UTF-8');
  }
}

/** `+` to space, then each run of `%XX` escapes decoded as UTF-8 bytes, strictly. */
function decodeComponent(raw: string, offset: number, what: string): string {
  const text = raw.replaceAll('+', ' ');
  if (!text.includes('%')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const percent = text.indexOf('%', i);
    if (percent < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, percent);
    const bytes: number[] = [];
    let j = percent;
    while (text.charCodeAt(j) === 0x25 && HEX.test(text.slice(j + 1, j + 3))) {
      bytes.push(Number.parseInt(text.slice(j + 1, j + 3), 16));
      j += 3;
    }
    if (bytes.length === 0) {
      out += '%';
      i = percent + 1;
      continue;
    }
    try {
      out += utf8.decode(Uint8Array.from(bytes));
    } catch {
      throw new FormBodyError(
        'form',
        `The percent-escapes in ${what} are not valid UTF-8 (at offset ${offset + percent})`,
        offset + percent,
      );
    }
    i = j;
  }
  return out;
}
