/**
 * An empty configuration resolves to the defaults docs/configuration.md spells out. The oracle is
 * the document itself: its YAML example ("with the defaults spelled out") and its flags table are
 * read from the file, so the docs and the schema cannot drift apart unnoticed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';

const DOC = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** The first ```yaml block after "## The config file". */
function documentedYaml(): Record<string, unknown> {
  const section = DOC.slice(DOC.indexOf('## The config file'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'docs/configuration.md has its YAML example');
  return parseYaml(match[1]!) as Record<string, unknown>;
}

/**
 * Keys of the example that show a setting rather than its default, each said so in the example's
 * own comments: `defaultRegion` ("omit to require E.164"), `cluster.nodeId` ("default host:port"),
 * the connectors and routes (the example's, where the default is one simulator and no routes), and
 * `optOut.keywords` (only English shown; "fr, de, …: see docs/webhooks.md").
 */
const ILLUSTRATIVE = new Set(['defaultRegion', 'cluster.nodeId', 'connectors', 'routes', 'optOut.keywords']);

/** Every leaf of `value` with its dotted path, skipping the illustrative keys. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (ILLUSTRATIVE.has(path)) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

function at(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], config);
}

describe('an empty configuration', () => {
  it('resolves every default the YAML example in docs/configuration.md spells out', () => {
    const config = loadConfig({}, {});
    const documented = leaves(documentedYaml());
    assert.ok(documented.length > 40, `${documented.length} documented defaults found`);
    for (const [path, value] of documented) {
      assert.deepEqual(at(config, path), value, `${path}: documented ${JSON.stringify(value)}`);
    }
    assert.equal(config.defaultRegion, undefined, 'no default region: E.164 required');
  });

  it('resolves the flags table’s defaults (host, ports, data directory, log level)', () => {
    const config = loadConfig({}, {});
    const table = new Map<string, string>();
    for (const [, flag, value] of DOC.matchAll(/^\| `--([a-z-]+)` \| [^|]+ \| `([^`]+)` \|/gm)) {
      table.set(flag!, value!);
    }
    assert.deepEqual(
      [...table.keys()].sort(),
      ['data-dir', 'host', 'log-level', 'port', 'smpp-port'],
      'the flags with a default in the table',
    );
    assert.equal(config.host, table.get('host'));
    assert.equal(String(config.port), table.get('port'));
    assert.equal(String(config.smppPort), table.get('smpp-port'));
    assert.equal(config.dataDir, table.get('data-dir'));
    assert.equal(config.logLevel, table.get('log-level'));
  });

  it('an empty or comment-only config file is the same as none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsgate-config-'));
    const none = loadConfig({}, {});
    for (const [name, text] of [
      ['empty.yaml', ''],
      ['comments.yaml', '# nothing set yet\n'],
      ['empty.json', '{}'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      assert.deepEqual(loadConfig({ config: file }, {}), none, name);
    }
  });
});
