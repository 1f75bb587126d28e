/**
 * The config file is read once at start; a broken one must stop the start with a ConfigError
 * naming the problem, never with a TypeError or a stack overflow from the YAML/JSON reader or the
 * schema. Mutated copies of the documented example, random YAML and random values of the right
 * keys with wrong types. Seeded (CONFIG_FUZZ_SEED); fast-check prints the seed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildConfig, ConfigError, loadConfig } from '../../src/config/load-config.js';
import { mutatedText, throwsOnly, tokenSoup } from '../api/formats/fuzz-support.js';

const FUZZ = {
  seed: Number(process.env.CONFIG_FUZZ_SEED ?? 20261205),
  numRuns: Number(process.env.CONFIG_FUZZ_RUNS ?? 300),
};
const DOC = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
const EXAMPLE = /```yaml\n([\s\S]*?)```/.exec(DOC.slice(DOC.indexOf('## The config file')))![1]!;
const YAML_TOKENS = [
  ':',
  ' ',
  '  ',
  '\n',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '&a',
  '*a',
  '<<: *a',
  '!!binary',
  '!!js/function',
  '#',
  '|',
  '>',
  '0x',
  '1e9',
  '-1',
  'null',
  '~',
  '\t',
  '\u0000',
  '%YAML 1.2',
  '---',
];
const DIR = mkdtempSync(join(tmpdir(), 'smsgate-config-fuzz-'));

let files = 0;
function loadText(text: string, extension: 'yaml' | 'json'): void {
  const file = join(DIR, `c${files++}.${extension}`);
  writeFileSync(file, text);
  loadConfig({ config: file }, {});
}

/** Top-level keys of the schema (from the documented example), with values of any type. */
const keys = Object.keys(buildConfig({}));

describe('config files under fuzz', () => {
  it('the example itself loads (so the mutations start from a valid file)', () => {
    loadText(EXAMPLE, 'yaml');
  });

  it('mutated copies of the documented example: a valid config or a ConfigError', () => {
    fc.assert(
      fc.property(mutatedText([EXAMPLE], YAML_TOKENS), (text) =>
        throwsOnly(ConfigError, () => loadText(text, 'yaml')),
      ),
      FUZZ,
    );
  });

  it('random YAML and JSON text: a valid config or a ConfigError', () => {
    fc.assert(
      fc.property(
        tokenSoup(YAML_TOKENS, 60),
        fc.constantFrom('yaml' as const, 'json' as const),
        (text, extension) => throwsOnly(ConfigError, () => loadText(text, extension)),
      ),
      FUZZ,
    );
  });

  it('the schema’s keys with values of any type: a valid, frozen config or a ConfigError', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...keys), fc.anything({ maxDepth: 3 }), { maxKeys: 4 }),
        (input) =>
          throwsOnly(ConfigError, () => {
            const config = buildConfig(input);
            assert.ok(Object.isFrozen(config));
          }),
      ),
      FUZZ,
    );
  });

  it('YAML alias bombs are refused, not expanded until memory runs out', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level <= 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const next = String.fromCharCode(97 + level);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    assert.throws(() => loadText(lines.join('\n'), 'yaml'), ConfigError);
  });
});
