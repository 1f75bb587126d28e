import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { prng } from '../helpers/prng.js';
import { countStoredMessages, isoIn, NUMBERS } from './support.js';

/**
 * Table-driven fuzzing of POST /v1/messages: a valid body mutated one to three times by a seeded PRNG
 * (so every run sends the same bodies and a failure names the case to replay): fields dropped, given
 * values of random types, nested up to 20,000 levels deep, plus random extra fields. Whatever is sent, the answer must never be a 5xx, every refusal must
 * use the native error shape, and exactly the messages reported as accepted may be stored.
 */

const SEED = 20261122;
const CASES = 200;

class Fuzzer {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** A string from a pool of interesting ones, or random characters from several scripts. */
  string(): string {
    if (this.chance(0.7)) return this.pick(STRINGS)();
    const alphabet = [...'aZ0 éê€{\\"\n😀中\u0000\ud800+'];
    let out = '';
    for (let i = this.int(0, 40); i > 0; i--) out += this.pick(alphabet);
    return out;
  }

  number(): number {
    return this.pick([0, -1, 1, 1.5, 42, 2 ** 31, 2 ** 53 + 2, -1e308, 1e308, 3600, 30 * 86_400 + 1]);
  }

  /** Any JSON value, as JSON text (deep nesting is built as text: it is deeper than JSON.stringify goes). */
  value(depth = 0): string {
    const kinds =
      depth > 3
        ? ['string', 'number', 'bool', 'null']
        : ['string', 'number', 'bool', 'null', 'array', 'object', 'deep'];
    switch (this.pick(kinds)) {
      case 'string':
        return JSON.stringify(this.string());
      case 'number':
        return JSON.stringify(this.number());
      case 'bool':
        return this.chance(0.5) ? 'true' : 'false';
      case 'null':
        return 'null';
      case 'array':
        return `[${Array.from({ length: this.int(0, 4) }, () => this.value(depth + 1)).join(',')}]`;
      case 'object':
        return `{${Array.from(
          { length: this.int(0, 4) },
          () => `${JSON.stringify(this.key())}:${this.value(depth + 1)}`,
        ).join(',')}}`;
      default: {
        const levels = this.pick([10, 100, 1_000, 20_000]);
        const [open, close] = this.chance(0.5) ? ['[', ']'] : ['{"x":', '}'];
        return `${open.repeat(levels)}${this.chance(0.5) ? '1' : '"leaf"'}${close.repeat(levels)}`;
      }
    }
  }

  key(): string {
    return this.pick([
      'a',
      'x',
      '',
      ' ',
      'to',
      'TEXT',
      'constructor',
      'toString',
      'ключ',
      '😀',
      'a.b',
      '$where',
    ]);
  }
}

const STRINGS: (() => string)[] = [
  () => NUMBERS.delivered,
  () => '+447700900123',
  () => '00447911123456',
  () => 'not a number',
  () => '',
  () => '   ',
  () => 'a'.repeat(2000),
  () => '😀'.repeat(40),
  () => 'ê',
  () => 'nul\u0000char',
  () => 'lone \ud800 surrogate',
  () => isoIn(60_000),
  () => '2026-02-30T10:00:00Z',
  () => 'https://example.com/cb',
  () => 'ftp://example.com',
  () => 'urgent',
  () => 'ABCDEFGHIJKLMNOP',
  () => '__proto__',
  () => "'; drop table messages; --",
];

/** A valid body using every field; each case mutates a copy of it. Values are JSON text. */
function baseBody(): Map<string, string> {
  const body: Record<string, unknown> = {
    to: [NUMBERS.delivered, NUMBERS.delivered2],
    text: 'Your code is 1234',
    from: 'Shop',
    validitySeconds: 3600,
    priority: 'high',
    callbackUrl: 'https://example.com/hook',
    clientRef: 'ref-1',
    metadata: { order: 7, tags: ['a'] },
  };
  return new Map(Object.entries(body).map(([k, v]) => [k, JSON.stringify(v)]));
}

const FIELD_NAMES = [...baseBody().keys(), 'scheduleAt'];

/** One request: a valid body with one to three random mutations, and maybe an Idempotency-Key. */
function makeCase(f: Fuzzer): { payload: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { ...ADMIN_AUTH, 'content-type': 'application/json' };
  if (f.chance(0.1)) headers['idempotency-key'] = `fuzz-${f.int(0, 5)}`;
  if (f.chance(0.03)) return { payload: f.value(), headers }; // not an object at all
  const body = baseBody();
  for (let n = f.int(1, 3); n > 0; n--) {
    const field = f.pick(FIELD_NAMES);
    switch (f.int(0, 5)) {
      case 0: // drop it
        body.delete(field);
        break;
      case 1: // a value of any type
        body.set(field, f.value());
        break;
      case 2: // a string, interesting or random
        body.set(field, JSON.stringify(f.string()));
        break;
      case 3: {
        // nest it (wrap the current value, or a leaf) in arrays or objects, up to very deep
        const levels = f.pick([1, 5, 100, 5_000, 20_000]);
        const [open, close] = f.chance(0.5) ? ['[', ']'] : ['{"v":', '}'];
        body.set(field, `${open.repeat(levels)}${body.get(field) ?? '1'}${close.repeat(levels)}`);
        break;
      }
      case 4: // an extra field
        body.set(f.key(), f.value());
        break;
      default: // a number
        body.set(field, JSON.stringify(f.number()));
    }
  }
  return { payload: `{${[...body].map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`, headers };
}

await describeEachDatabase(
  'fuzzed bodies to POST /v1/messages',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { maxRecipientsPerRequest: 10 } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it(`${CASES} randomly mutated bodies (seed ${SEED}): never a 5xx, native errors, only accepted messages stored`, async () => {
      const f = new Fuzzer(SEED);
      const failures: string[] = [];
      const accepted = new Set<string>();
      const statuses = new Map<number, number>();
      for (let i = 0; i < CASES; i++) {
        const { payload, headers } = makeCase(f);
        const response = await gateway.http.inject({ method: 'POST', url: '/v1/messages', headers, payload });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const shown = `case ${i}: ${payload.length > 300 ? `${payload.slice(0, 300)}… (${payload.length} chars)` : payload}`;
        if (response.statusCode >= 500) {
          failures.push(`${shown}\n  → ${response.statusCode} ${response.body}`);
          continue;
        }
        let body: { messages?: { id: string }[]; error?: { code?: unknown; message?: unknown } };
        try {
          body = response.json();
        } catch {
          failures.push(`${shown}\n  → ${response.statusCode}, not JSON: ${response.body}`);
          continue;
        }
        if (response.statusCode === 202) {
          for (const m of body.messages ?? []) accepted.add(m.id);
          if (!body.messages?.length) failures.push(`${shown}\n  → 202 without messages: ${response.body}`);
        } else if (typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string') {
          failures.push(
            `${shown}\n  → ${response.statusCode} not in the native error shape: ${response.body}`,
          );
        }
      }
      assert.deepEqual(
        failures,
        [],
        `${failures.length} of ${CASES} requests failed:\n${failures.slice(0, 10).join('\n')}`,
      );
      // Both outcomes were exercised, or the fuzzer is not testing much.
      assert.ok((statuses.get(202) ?? 0) > 5, `few accepted: ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(400) ?? 0) > 50, `few refused: ${JSON.stringify([...statuses])}`);
      assert.equal(await countStoredMessages(store), accepted.size, 'stored messages ≠ accepted messages');
    });
  },
  describe,
);
