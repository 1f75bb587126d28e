import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { GatewayError } from '../../core/errors.js';
import { addField, FORM_LIMITS, type FormFields, type FormLimits } from './form.js';
import { FormBodyError } from './format-errors.js';

/** Declared types of file parts read as text; any other file part is refused. */
const TEXT_FILE_TYPES = /^(?:text\/[^;]+|application\/(?:json|xml|jsv))$/i;
/** Transfer encodings that leave the bytes as they are (RFC 7578 §4.7 deprecates the others). */
const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Part =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly file: Readable };

/**
 * Parses a `multipart/form-data` body into fields, with busboy, synchronously (the whole body is
 * in memory: busboy parses a chunk and emits its parts while `write` runs).
 * - Field parts are decoded by their declared charset (UTF-8 by default). busboy replaces bytes
 *   that are not valid in it with U+FFFD and does not show us the bytes, so a field holding
 *   U+FFFD is refused as not valid UTF-8 (a real U+FFFD in a form field is damage done earlier).
 * - File parts (a `filename`, or type `application/octet-stream`) are read as their text when
 *   declared `text/*`, `application/json`, `application/xml` or `application/jsv` and valid UTF-8,
 *   under the field's name (the file name is dropped); any other file part is refused: the
 *   gateway takes text, not attachments.
 * - Parts with a Content-Transfer-Encoding other than 7bit/8bit/binary, or without a name, are
 *   refused; parts without `Content-Disposition: form-data` are skipped, as busboy does.
 *
 * @throws FormBodyError for a Content-Type that is not multipart/form-data or has no boundary, a
 *   malformed or truncated body, a refused part, or a limit passed; never any other error.
 */
export function parseMultipart(body: Uint8Array, contentType: string, limits: FormLimits = {}): FormFields {
  try {
    return readParts(body, contentType, limits);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw refuse(`Malformed multipart body (${error instanceof Error ? error.message : String(error)})`);
  }
}

function readParts(body: Uint8Array, contentType: string, limits: FormLimits): FormFields {
  const maxFields = limits.maxFields ?? FORM_LIMITS.maxFields;
  const maxNameBytes = limits.maxNameBytes ?? FORM_LIMITS.maxNameBytes;
  const maxValueBytes = limits.maxValueBytes ?? FORM_LIMITS.maxValueBytes;
  if (!(body instanceof Uint8Array)) throw refuse('A multipart body must be bytes');
  const type = (typeof contentType === 'string' ? contentType : '').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data')
    throw refuse(`Content-Type "${contentType}" is not multipart/form-data`);

  const parser = createParser(contentType, maxFields, maxValueBytes);
  const parts: Part[] = [];
  let failure: string | undefined;
  const fail = (problem: string) => {
    failure ??= problem;
  };
  const checkPart = (name: string | undefined, encoding: string): name is string => {
    if (name === undefined) fail('A multipart part has no name');
    else if (Buffer.byteLength(name) > maxNameBytes)
      fail(`A multipart field name is longer than ${maxNameBytes} bytes`);
    else if (!IDENTITY_ENCODINGS.has(encoding))
      fail(`Multipart field "${name}" uses transfer encoding ${encoding}`);
    else if (parts.length >= maxFields) fail(`The form has more than ${maxFields} fields`);
    else return true;
    return false;
  };

  parser.on('error', (error: unknown) => fail(`Malformed multipart body (${describe(error)})`));
  parser.on('partsLimit', () => fail(`The form has more than ${maxFields} fields`));
  parser.on('field', (name, value: string | undefined, info) => {
    if (!checkPart(name, info.encoding)) return;
    if (info.valueTruncated) fail(`Multipart field "${name}" is longer than ${maxValueBytes} bytes`);
    else if (typeof value !== 'string') fail(`Multipart field "${name}" declares a charset we cannot read`);
    else if (value.includes('\uFFFD')) fail(`Multipart field "${name}" is not valid UTF-8`);
    else parts.push({ name, value });
  });
  parser.on('file', (name, file, info) => {
    // Destroying the parser destroys an open file stream with an error; nothing else listens.
    file.on('error', () => {});
    if (!checkPart(name, info.encoding)) return;
    if (!TEXT_FILE_TYPES.test(info.mimeType)) {
      fail(`Multipart field "${name}" is a file of type ${info.mimeType}; only text parts are accepted`);
    } else {
      parts.push({ name, file });
    }
  });

  parser.write(body);
  parser.end();
  if (parser.errored) fail(`Malformed multipart body (${describe(parser.errored)})`);
  if (failure !== undefined) throw refuse(failure);

  const fields: FormFields = {};
  for (const part of parts) {
    addField(
      fields,
      part.name,
      'value' in part ? part.value : readTextFile(part.name, part.file, maxValueBytes),
    );
  }
  return fields;
}

function createParser(contentType: string, maxFields: number, maxValueBytes: number): busboy.Busboy {
  try {
    return busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      // One past our limits, so busboy's truncation marks "too long" rather than "exactly at the limit".
      limits: { fieldSize: maxValueBytes + 1, fileSize: maxValueBytes + 1, parts: maxFields + 1 },
    });
  } catch (error) {
    const message = describe(error);
    if (/boundary/i.test(message))
      throw refuse('multipart/form-data needs a boundary parameter in its Content-Type');
    throw refuse(`Content-Type "${contentType}" cannot be read as multipart/form-data (${message})`);
  }
}

/** A file part's text: everything busboy pushed into its stream while the body was written. */
function readTextFile(name: string, file: Readable & { truncated?: boolean }, maxValueBytes: number): string {
  const data: unknown = file.read();
  if (file.truncated) throw refuse(`Multipart field "${name}" is longer than ${maxValueBytes} bytes`);
  if (data === null) return '';
  try {
    return utf8.decode(data as Uint8Array);
  } catch {
    throw refuse(`Multipart field "${name}" is not valid UTF-8`);
  }
}

function refuse(message: string): FormBodyError {
  return new FormBodyError('multipart', message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
