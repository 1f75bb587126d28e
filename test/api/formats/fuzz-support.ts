import fc from 'fast-check';

/**
 * Shared pieces of the codec fuzz tests. Runs are seeded (override with FORMATS_FUZZ_SEED) so a
 * failure replays; fast-check prints the seed, path and shrunk counterexample when one fails.
 */
export const FUZZ = {
  seed: Number(process.env.FORMATS_FUZZ_SEED ?? 20261201),
  numRuns: Number(process.env.FORMATS_FUZZ_RUNS ?? 400),
} as const;

/** node:test options for a fuzz test: a hang fails it instead of stalling the suite. */
export const FUZZ_TEST = { timeout: 60_000 } as const;

/**
 * Runs `parse` and passes when it returns or throws an instance of `allowed`. Anything else
 * (TypeError, RangeError, a plain Error from a library) is rethrown, failing the property.
 */
export function throwsOnly(allowed: abstract new (...args: never[]) => Error, parse: () => unknown): boolean {
  try {
    parse();
  } catch (error) {
    if (error instanceof allowed) return true;
    throw error;
  }
  return true;
}

type TextEdit =
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number };

/** One to six edits (deletions, insertions from `alphabet`, truncation, duplication) applied to one of `bases`. */
export function mutatedText(bases: readonly string[], alphabet: readonly string[]): fc.Arbitrary<string> {
  const position = fc.nat({ max: 1_000_000 });
  const edit: fc.Arbitrary<TextEdit> = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 8 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      text: fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({
      kind: fc.constant('duplicate' as const),
      at: position,
      length: fc.integer({ min: 1, max: 40 }),
    }),
  );
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([base, edits]) => {
      let text = base;
      for (const e of edits) {
        const at = text.length === 0 ? 0 : e.at % (text.length + 1);
        if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.length);
        else if (e.kind === 'insert') text = text.slice(0, at) + e.text + text.slice(at);
        else if (e.kind === 'truncate') text = text.slice(0, at);
        else text = text.slice(0, at) + text.slice(at, at + e.length) + text.slice(at);
      }
      return text;
    });
}

/** One of `bases` as bytes with bits flipped, bytes deleted or inserted, or cut short. */
export function mutatedBytes(bases: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({
    kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate'),
    at: fc.nat({ max: 1_000_000 }),
    byte: fc.integer({ min: 0, max: 255 }),
  });
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([base, edits]) => {
      let bytes = Buffer.from(base);
      for (const e of edits) {
        const at = bytes.length === 0 ? 0 : e.at % bytes.length;
        if (e.kind === 'flip' && bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << (e.byte & 7));
        else if (e.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        else if (e.kind === 'insert')
          bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([e.byte]), bytes.subarray(at)]);
        else bytes = bytes.subarray(0, at);
      }
      return bytes;
    });
}

/** Strings from `alphabet` (tokens as well as characters), mixed with arbitrary Unicode. */
export function tokenSoup(alphabet: readonly string[], maxLength = 60): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength }),
    fc.string({
      unit: fc.oneof(fc.constantFrom(...alphabet), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
      maxLength,
    }),
    fc.string({ unit: 'binary', maxLength }),
  );
}
