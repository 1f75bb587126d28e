import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FormBodyError, type FormFields, parseForm } from '../../../src/api/formats/form.js';
import { parseMultipart } from '../../../src/api/formats/multipart.js';
import { FUZZ, FUZZ_TEST, mutatedBytes, mutatedText, throwsOnly, tokenSoup } from './fuzz-support.js';

const FORM_ALPHABET = [
  '%',
  '%2',
  '%C3',
  '%A9',
  '%F0',
  '%9F',
  '%FF',
  '%41',
  '&',
  '=',
  '+',
  'a',
  'Z',
  '9',
  'é',
  '😀',
  ' ',
];
const BOUNDARY = 'fuzzBoundary';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

function part(headers: string, body: string): string {
  return `--${BOUNDARY}\r\n${headers}\r\n\r\n${body}\r\n`;
}

const MULTIPART_BASES = [
  `${part('Content-Disposition: form-data; name="to"', '+447911123456')}${part('Content-Disposition: form-data; name="text"', 'Héllo 😀')}--${BOUNDARY}--\r\n`,
  `${part('Content-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain', 'file body')}--${BOUNDARY}--`,
  `preamble\r\n${part('Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=utf-8', '')}--${BOUNDARY}--`,
].map((text) => Buffer.from(text));

/**
 * The WHATWG urlencoded parser, written from the spec at the byte level as an independent oracle
 * (Node 20's own URLSearchParams garbles input such as "%%2a😀", so it cannot be the reference).
 * Fatal UTF-8 decoding: it is compared only on bodies our parser accepted.
 */
function whatwgParse(body: string): FormFields {
  const decode = (component: string): string => {
    const bytes = new TextEncoder().encode(component.replaceAll('+', ' '));
    const out: number[] = [];
    const isHex = (b: number | undefined) =>
      b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x25 && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out.push(Number.parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
        i += 2;
      } else {
        out.push(bytes[i]!);
      }
    }
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(out));
  };
  const values = new Map<string, string[]>();
  for (const sequence of body.split('&')) {
    if (sequence === '') continue;
    const equals = sequence.indexOf('=');
    const name = decode(equals < 0 ? sequence : sequence.slice(0, equals));
    const value = equals < 0 ? '' : decode(sequence.slice(equals + 1));
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return Object.fromEntries([...values].map(([name, list]) => [name, list.length === 1 ? list[0]! : list]));
}

describe('form and multipart property tests', () => {
  it(
    'random form text throws nothing but FormBodyError, and agrees with URLSearchParams when it reads',
    FUZZ_TEST,
    () => {
      fc.assert(
        fc.property(tokenSoup(FORM_ALPHABET, 60), (body) => {
          let fields: FormFields;
          try {
            fields = parseForm(body);
          } catch (error) {
            if (error instanceof FormBodyError) return;
            throw error;
          }
          // The spec parses bytes: a lone surrogate in text has no UTF-8 form to compare.
          if (LONE_SURROGATE.test(body)) return;
          assert.deepEqual(fields, whatwgParse(body));
        }),
        FUZZ,
      );
    },
  );

  it('random form bytes and tight limits throw nothing but FormBodyError', FUZZ_TEST, () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 120 }),
        fc.record({
          maxFields: fc.integer({ min: 0, max: 5 }),
          maxNameBytes: fc.integer({ min: 0, max: 8 }),
          maxValueBytes: fc.integer({ min: 0, max: 8 }),
        }),
        (bytes, limits) => throwsOnly(FormBodyError, () => parseForm(bytes, limits)),
      ),
      FUZZ,
    );
  });

  it('random multipart bodies and content types throw nothing but FormBodyError', FUZZ_TEST, () => {
    const contentType = fc.oneof(
      fc.constant(CONTENT_TYPE),
      fc.constant('multipart/form-data'),
      fc.constant('multipart/form-data; boundary='),
      tokenSoup(['multipart/form-data', ';', ' boundary=', '"', BOUNDARY, 'charset=', 'x'], 8),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), contentType, (body, type) =>
        throwsOnly(FormBodyError, () => parseMultipart(body, type)),
      ),
      FUZZ,
    );
  });

  it('mutated multipart bodies throw nothing but FormBodyError', FUZZ_TEST, async () => {
    fc.assert(
      fc.property(mutatedBytes(MULTIPART_BASES), fc.integer({ min: 1, max: 4 }), (body, maxFields) =>
        throwsOnly(FormBodyError, () => parseMultipart(body, CONTENT_TYPE, { maxFields, maxValueBytes: 20 })),
      ),
      FUZZ,
    );
    const asText = MULTIPART_BASES.map((bytes) => bytes.toString('utf8'));
    fc.assert(
      fc.property(
        mutatedText(asText, ['\r\n', '--', BOUNDARY, '"', ';', ':', 'name=', 'filename=', '\r']),
        (text) => throwsOnly(FormBodyError, () => parseMultipart(Buffer.from(text), CONTENT_TYPE)),
      ),
      FUZZ,
    );
    // busboy reports some stream errors on a later tick: give them the chance to surface here.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});
