import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsvSyntaxError, type JsvValue, parseJsv, stringifyJsv } from '../../../src/api/formats/jsv.js';
import { FUZZ, FUZZ_TEST, mutatedText, throwsOnly, tokenSoup } from './fuzz-support.js';
import { sampleBodies, seed } from './seeds.js';

const SPECIALS = ['"', ':', ',', '{', '}', '[', ']', '\r', '\n', ' ', '\t', '""'];
const JSV_ALPHABET = [...SPECIALS, 'a', 'Z', '0', 'é', '😀', '\\', '{A:', '[]', '{}', '""'];

/** Strings heavy in the characters JSV must quote or keep, plus arbitrary Unicode. */
const jsvString = fc.oneof(
  fc.string({ unit: fc.constantFrom(...SPECIALS, 'a', 'b', 'é', '😀'), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', ' ', 'True', '00000000000000000000000000000000', '2024-05-01T10:20:30Z'),
);

/** Any JSV value: strings, lists and objects nested a few levels deep. */
const jsvValue: fc.Arbitrary<JsvValue> = fc.letrec<{ value: JsvValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsvString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(jsvString, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

/** The same value with every string trimmed: the ones lenient mode reads back unchanged. */
function trimmed(value: JsvValue): JsvValue {
  if (typeof value === 'string') return value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (Array.isArray(value)) return value.map(trimmed);
  return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, trimmed(member)]));
}

describe('JSV property tests', () => {
  it('every value round-trips through stringifyJsv and parseJsv', FUZZ_TEST, () => {
    fc.assert(
      fc.property(jsvValue, (value) => {
        assert.deepEqual(parseJsv(stringifyJsv(value)), value);
      }),
      FUZZ,
    );
  });

  it('lenient mode reads values without edge whitespace back unchanged', FUZZ_TEST, () => {
    fc.assert(
      fc.property(jsvValue.map(trimmed), (value) => {
        assert.deepEqual(parseJsv(stringifyJsv(value), { lenient: true }), value);
      }),
      FUZZ,
    );
  });

  it(
    'random text throws nothing but JsvSyntaxError, in either mode and at any depth limit',
    FUZZ_TEST,
    () => {
      fc.assert(
        fc.property(
          tokenSoup(JSV_ALPHABET, 80),
          fc.boolean(),
          fc.integer({ min: 0, max: 40 }),
          (text, lenient, maxDepth) =>
            throwsOnly(JsvSyntaxError, () => parseJsv(text, { lenient, maxDepth })),
        ),
        FUZZ,
      );
    },
  );

  it('mutated valid JSV throws nothing but JsvSyntaxError', FUZZ_TEST, () => {
    const bases = [
      ...sampleBodies(seed('001')),
      ...sampleBodies(seed('002')),
      ...fc.sample(jsvValue, { seed: FUZZ.seed, numRuns: 40 }).map((value) => stringifyJsv(value)),
    ];
    fc.assert(
      fc.property(mutatedText(bases, JSV_ALPHABET), fc.boolean(), (text, lenient) =>
        throwsOnly(JsvSyntaxError, () => parseJsv(text, { lenient })),
      ),
      FUZZ,
    );
  });

  it('whatever it reads, it can write again, and reads the same thing back', FUZZ_TEST, () => {
    fc.assert(
      fc.property(tokenSoup(JSV_ALPHABET, 80), (text) => {
        let value: JsvValue;
        try {
          value = parseJsv(text);
        } catch (error) {
          if (error instanceof JsvSyntaxError) return;
          throw error;
        }
        assert.deepEqual(parseJsv(stringifyJsv(value)), value);
      }),
      FUZZ,
    );
  });
});
