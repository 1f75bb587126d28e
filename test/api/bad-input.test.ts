import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { assertError, countStoredMessages, get, isoIn, NUMBERS, sendMessages, sendRaw } from './support.js';

const TO = NUMBERS.delivered;
const MAX_RECIPIENTS = 5;

interface BadBody {
  name: string;
  body: unknown;
  field: string;
  code?: string;
  message?: RegExp;
}

/** Bodies that are valid JSON objects but not a valid send; each names the field at fault. */
const BAD_BODIES: BadBody[] = [
  // to
  { name: 'missing to', body: { text: 'x' }, field: 'to' },
  { name: 'to: []', body: { to: [], text: 'x' }, field: 'to', message: /at least one recipient/ },
  { name: 'to: ""', body: { to: '', text: 'x' }, field: 'to', code: 'invalid_number' },
  { name: 'to: "   "', body: { to: '   ', text: 'x' }, field: 'to', code: 'invalid_number' },
  { name: 'to: a number type', body: { to: 447911123456, text: 'x' }, field: 'to' },
  { name: 'to: an object', body: { to: { number: TO }, text: 'x' }, field: 'to' },
  { name: 'to: null', body: { to: null, text: 'x' }, field: 'to' },
  {
    name: 'to: not a phone number',
    body: { to: 'not a number', text: 'x' },
    field: 'to',
    code: 'invalid_number',
  },
  { name: 'to: too few digits', body: { to: '12345', text: 'x' }, field: 'to', code: 'invalid_number' },
  {
    name: 'to: +447700900123 (not a valid UK number)',
    body: { to: '+447700900123', text: 'x' },
    field: 'to',
    code: 'invalid_number',
  },
  {
    name: 'to: bad second number',
    body: { to: [TO, 'abc'], text: 'x' },
    field: 'to[1]',
    code: 'invalid_number',
  },
  {
    name: 'to: empty third number',
    body: { to: [TO, TO, ''], text: 'x' },
    field: 'to[2]',
    code: 'invalid_number',
  },
  {
    name: `to: more than maxRecipientsPerRequest (${MAX_RECIPIENTS})`,
    body: { to: Array.from({ length: MAX_RECIPIENTS + 1 }, () => TO), text: 'x' },
    field: 'to',
    message: new RegExp(`at most ${MAX_RECIPIENTS}`),
  },
  // text
  { name: 'missing text', body: { to: TO }, field: 'text' },
  { name: 'text: ""', body: { to: TO, text: '' }, field: 'text', message: /empty/ },
  { name: 'text: a number', body: { to: TO, text: 42 }, field: 'text' },
  { name: 'text: null', body: { to: TO, text: null }, field: 'text' },
  { name: 'text: an array', body: { to: TO, text: ['a', 'b'] }, field: 'text' },
  { name: 'text: an object', body: { to: TO, text: { body: 'x' } }, field: 'text' },
  { name: 'text: true', body: { to: TO, text: true }, field: 'text' },
  {
    name: 'text longer than maxTextLength',
    body: { to: TO, text: 'a'.repeat(1601) },
    field: 'text',
    message: /1600/,
  },
  { name: 'text of 1601 emoji', body: { to: TO, text: '😀'.repeat(1601) }, field: 'text' },
  // unknown fields
  { name: 'an unknown field', body: { to: TO, text: 'x', foo: 1 }, field: 'foo', code: 'unknown_field' },
  {
    name: 'two unknown fields',
    body: { to: TO, text: 'x', recipient: TO, body: 'x' },
    field: 'recipient',
    code: 'unknown_field',
    message: /recipient, body/,
  },
  {
    name: 'a misspelt field',
    body: { to: TO, text: 'x', scheduledAt: isoIn(60_000) },
    field: 'scheduledAt',
    code: 'unknown_field',
  },
  // priority
  { name: 'priority: "max"', body: { to: TO, text: 'x', priority: 'max' }, field: 'priority' },
  { name: 'priority: "URGENT"', body: { to: TO, text: 'x', priority: 'URGENT' }, field: 'priority' },
  { name: 'priority: 3', body: { to: TO, text: 'x', priority: 3 }, field: 'priority' },
  // scheduleAt
  {
    name: 'scheduleAt: "tomorrow"',
    body: { to: TO, text: 'x', scheduleAt: 'tomorrow' },
    field: 'scheduleAt',
  },
  {
    name: 'scheduleAt without a zone',
    body: { to: TO, text: 'x', scheduleAt: '2026-12-01T10:00:00' },
    field: 'scheduleAt',
  },
  {
    name: 'scheduleAt: a date only',
    body: { to: TO, text: 'x', scheduleAt: '2026-12-01' },
    field: 'scheduleAt',
  },
  {
    name: 'scheduleAt: month 13',
    body: { to: TO, text: 'x', scheduleAt: '2026-13-01T10:00:00Z' },
    field: 'scheduleAt',
  },
  {
    name: 'scheduleAt: a zone of +25:00',
    body: { to: TO, text: 'x', scheduleAt: '2026-12-01T10:00:00+25:00' },
    field: 'scheduleAt',
  },
  {
    name: 'scheduleAt: epoch seconds',
    body: { to: TO, text: 'x', scheduleAt: 1_900_000_000 },
    field: 'scheduleAt',
  },
  {
    name: 'scheduleAt: more than a year ahead',
    body: { to: TO, text: 'x', scheduleAt: isoIn(400 * 86_400_000) },
    field: 'scheduleAt',
  },
  // validitySeconds
  { name: 'validitySeconds: 0', body: { to: TO, text: 'x', validitySeconds: 0 }, field: 'validitySeconds' },
  {
    name: 'validitySeconds: -60',
    body: { to: TO, text: 'x', validitySeconds: -60 },
    field: 'validitySeconds',
  },
  {
    name: 'validitySeconds: 1.5',
    body: { to: TO, text: 'x', validitySeconds: 1.5 },
    field: 'validitySeconds',
  },
  {
    name: 'validitySeconds: "60"',
    body: { to: TO, text: 'x', validitySeconds: '60' },
    field: 'validitySeconds',
  },
  {
    name: 'validitySeconds: over 30 days',
    body: { to: TO, text: 'x', validitySeconds: 30 * 86_400 + 1 },
    field: 'validitySeconds',
  },
  {
    name: 'validitySeconds: 1e300',
    body: { to: TO, text: 'x', validitySeconds: 1e300 },
    field: 'validitySeconds',
  },
  // callbackUrl
  {
    name: 'callbackUrl: ftp://',
    body: { to: TO, text: 'x', callbackUrl: 'ftp://example.com/hook' },
    field: 'callbackUrl',
  },
  {
    name: 'callbackUrl: javascript:',
    body: { to: TO, text: 'x', callbackUrl: 'javascript:alert(1)' },
    field: 'callbackUrl',
  },
  {
    name: 'callbackUrl: not a URL',
    body: { to: TO, text: 'x', callbackUrl: 'not a url' },
    field: 'callbackUrl',
  },
  { name: 'callbackUrl: a number', body: { to: TO, text: 'x', callbackUrl: 80 }, field: 'callbackUrl' },
  // from
  {
    name: 'from: 12 characters',
    body: { to: TO, text: 'x', from: 'ABCDEFGHIJKL' },
    field: 'from',
    code: 'invalid_sender',
  },
  {
    name: 'from: 6 € (12 septets)',
    body: { to: TO, text: 'x', from: '€€€€€€' },
    field: 'from',
    code: 'invalid_sender',
  },
  {
    name: 'from: a non-GSM character (ê)',
    body: { to: TO, text: 'x', from: 'Crêpes' },
    field: 'from',
    code: 'invalid_sender',
    message: /ê/,
  },
  {
    name: 'from: an emoji',
    body: { to: TO, text: 'x', from: 'Shop😀' },
    field: 'from',
    code: 'invalid_sender',
  },
  { name: 'from: too few digits for a number', body: { to: TO, text: 'x', from: '12' }, field: 'from' },
  { name: 'from: a number type', body: { to: TO, text: 'x', from: 12345 }, field: 'from' },
  { name: 'from: only spaces', body: { to: TO, text: 'x', from: '   ' }, field: 'from' },
  // clientRef and metadata
  {
    name: 'clientRef: 257 characters',
    body: { to: TO, text: 'x', clientRef: 'r'.repeat(257) },
    field: 'clientRef',
  },
  { name: 'clientRef: a number', body: { to: TO, text: 'x', clientRef: 7 }, field: 'clientRef' },
  { name: 'metadata: an array', body: { to: TO, text: 'x', metadata: [1, 2] }, field: 'metadata' },
  { name: 'metadata: a string', body: { to: TO, text: 'x', metadata: 'x' }, field: 'metadata' },
  { name: 'metadata: null', body: { to: TO, text: 'x', metadata: null }, field: 'metadata' },
  {
    name: 'metadata over 4 KB',
    body: { to: TO, text: 'x', metadata: { blob: 'm'.repeat(5000) } },
    field: 'metadata',
  },
  // Empty strings are not "absent": parseSender and checkCallbackUrl refuse them; they must not be skipped.
  { name: 'from: "" (empty)', body: { to: TO, text: 'x', from: '' }, field: 'from' },
  { name: 'callbackUrl: "" (empty)', body: { to: TO, text: 'x', callbackUrl: '' }, field: 'callbackUrl' },
];

await describeEachDatabase(
  'bad input to POST /v1/messages',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { maxRecipientsPerRequest: MAX_RECIPIENTS } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    /** Runs a request, checks its response, then asserts it stored nothing. */
    const refused = async (
      request: () => Promise<LightMyRequestResponse>,
      check: (r: LightMyRequestResponse) => void,
    ) => {
      const before = await countStoredMessages(store);
      check(await request());
      assert.equal(await countStoredMessages(store), before, 'a refused request stored messages');
    };

    for (const c of BAD_BODIES) {
      it(`${c.name} → 400 naming ${c.field}`, async () => {
        await refused(
          () => sendMessages(gateway, c.body),
          (response) =>
            assertError(response, 400, {
              field: c.field,
              ...(c.code ? { code: c.code } : {}),
              ...(c.message ? { message: c.message } : {}),
            }),
        );
      });
    }

    it('the limits are inclusive: 5 recipients, 1600 characters, 11-character sender, 30-day validity', async () => {
      const response = await sendMessages(gateway, {
        to: Array.from({ length: MAX_RECIPIENTS }, () => TO),
        text: 'a'.repeat(1600),
        from: 'ABCDEFGHIJK',
        clientRef: 'r'.repeat(256),
        validitySeconds: 30 * 86_400,
      });
      assert.equal(response.statusCode, 202, response.body);
      assert.equal(response.json().messages.length, MAX_RECIPIENTS);
    });

    const malformed = [
      '{',
      '{"to":',
      "{'to':'+447911123456','text':'x'}",
      '{"to":"+447911123456","text":"x",}',
      '{"to":"+447911123456","text":"x"}garbage',
      'nul',
      '<xml/>',
    ];
    for (const payload of malformed) {
      it(`malformed JSON ${JSON.stringify(payload)} → 400 invalid_json`, async () => {
        await refused(
          () => sendRaw(gateway, payload, { 'content-type': 'application/json' }),
          (response) => assertError(response, 400, { code: 'invalid_json' }),
        );
      });
    }

    it('an empty body → 400 invalid_json', async () => {
      await refused(
        () => sendRaw(gateway, '', { 'content-type': 'application/json' }),
        (response) => assertError(response, 400, { code: 'invalid_json', message: /empty/ }),
      );
    });

    it('no body and no content-type → 400', async () => {
      await refused(
        () => sendRaw(gateway, undefined, {}),
        (response) => assertError(response, 400),
      );
    });

    for (const payload of ['[]', `[{"to":"${TO}","text":"x"}]`, '"x"', '42', 'true', 'null']) {
      it(`a JSON ${payload.startsWith('[') ? 'array' : 'scalar'} body ${payload} → 400 invalid_json`, async () => {
        await refused(
          () => sendRaw(gateway, payload, { 'content-type': 'application/json' }),
          (response) => assertError(response, 400, { code: 'invalid_json', message: /JSON object/ }),
        );
      });
    }

    const validJson = JSON.stringify({ to: TO, text: 'x' });
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'text/json',
      // A JSON object sent as text/plain is still the wrong media type for this API.
      'text/plain',
    ]) {
      it(`content-type ${contentType} → 415 unsupported_media_type`, async () => {
        await refused(
          () => sendRaw(gateway, validJson, { 'content-type': contentType }),
          (response) => assertError(response, 415, { code: 'unsupported_media_type' }),
        );
      });
    }

    it('content-type with parameters or other case is still JSON', async () => {
      for (const contentType of ['application/json; charset=utf-8', 'Application/JSON']) {
        const response = await sendRaw(gateway, validJson, { 'content-type': contentType });
        assert.equal(response.statusCode, 202, `${contentType}: ${response.body}`);
      }
    });

    it('__proto__ in the body → 400, never 5xx, and no prototype pollution', async () => {
      const payload = `{"to":"${TO}","text":"x","__proto__":{"polluted":true}}`;
      await refused(
        () => sendRaw(gateway, payload, { 'content-type': 'application/json' }),
        (response) => assertError(response, 400),
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('deeply nested metadata (20,000 levels) → 400 naming metadata, not a 500', async () => {
      const depth = 20_000;
      const payload = `{"to":"${TO}","text":"x","metadata":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      for (const headers of [{}, { 'idempotency-key': 'deep-1' }] as Record<string, string>[]) {
        await refused(
          () => sendRaw(gateway, payload, { 'content-type': 'application/json', ...headers }),
          (response) => assertError(response, 400, { field: 'metadata' }),
        );
      }
    });

    it('deeply nested values in other fields → 400 naming the field', async () => {
      const nest = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const [payload, field] of [
        [`{"to":${nest(20_000)},"text":"x"}`, 'to'],
        [`{"to":"${TO}","text":${nest(20_000)}}`, 'text'],
        [`{"to":"${TO}","text":"x","extra":${nest(20_000)}}`, 'extra'],
      ] as const) {
        await refused(
          () => sendRaw(gateway, payload, { 'content-type': 'application/json' }),
          (response) => assertError(response, 400, { field }),
        );
      }
    });
  },
  describe,
);

await describeEachDatabase(
  'text the database may not store as-is',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    /**
     * A text is either refused with a 400 naming the field, or accepted and kept exactly as sent.
     * Silently changing it, or failing with a 5xx, is wrong.
     */
    // The gateway refuses these (api/input-safety.ts): PostgreSQL text cannot hold a NUL and the
    // stores would silently replace a lone surrogate, so keeping them is not an option either.
    const assertRefused = async (body: Record<string, unknown>, field: 'text' | 'clientRef') => {
      const before = await countStoredMessages(store);
      assertError(await sendMessages(gateway, body), 400, { code: 'invalid_input', field });
      assert.equal(await countStoredMessages(store), before);
    };

    it('a NUL character in text', async () => {
      await assertRefused({ to: TO, text: 'before\u0000after' }, 'text');
    });

    it('a NUL character in clientRef', async () => {
      await assertRefused({ to: TO, text: 'x', clientRef: 'ref\u0000' }, 'clientRef');
    });

    it('a lone UTF-16 surrogate in text', async () => {
      await assertRefused({ to: TO, text: 'broken \ud83d pair' }, 'text');
    });

    it('one bad request does not fail the good requests committed with it', async () => {
      const [good, bad, good2] = await Promise.all([
        sendMessages(gateway, { to: TO, text: 'good' }),
        sendMessages(gateway, { to: TO, text: 'bad\u0000' }),
        sendMessages(gateway, { to: NUMBERS.delivered2, text: 'good too' }),
      ]);
      assertError(bad, 400, { code: 'invalid_input', field: 'text' });
      assert.equal(good.statusCode, 202, good.body);
      assert.equal(good2.statusCode, 202, good2.body);
    });

    it('a NUL character in ids and list filters → 400 naming the parameter, never 5xx', async () => {
      assertError(await get(gateway, '/v1/messages/msg_%00'), 400, { code: 'invalid_input', field: 'id' });
      assertError(
        await gateway.http.inject({
          method: 'POST',
          url: '/v1/messages/msg_%00/cancel',
          headers: ADMIN_AUTH,
        }),
        400,
        { code: 'invalid_input', field: 'id' },
      );
      for (const [url, field] of [
        ['/v1/messages?to=%00', 'to'],
        ['/v1/messages?clientRef=x%00', 'clientRef'],
      ] as const) {
        assertError(await get(gateway, url), 400, { code: 'invalid_input', field });
      }
    });
  },
  describe,
);

await describeEachDatabase(
  'malformed URLs',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('a bad percent-encoding in the path → 400 in the native error shape', async () => {
      const response = await get(gateway, '/v1/messages/%E0%A4%A');
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, response.body);
      assertError(response, response.statusCode);
    });

    it('an overlong message id → 4xx in the native error shape', async () => {
      const response = await get(gateway, `/v1/messages/${'x'.repeat(300)}`);
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, response.body);
      assertError(response, response.statusCode);
    });
  },
  describe,
);

await describeEachDatabase(
  'a body over bodyLimitBytes (2048)',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { bodyLimitBytes: 2048 } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('→ 413 payload_too_large, nothing stored', async () => {
      const body = JSON.stringify({
        to: TO,
        text: 'a'.repeat(1500),
        clientRef: 'c'.repeat(250),
        metadata: { pad: 'p'.repeat(400) },
      });
      assert.ok(Buffer.byteLength(body) > 2048, 'the body must be over the limit');
      const response = await sendRaw(gateway, body, { 'content-type': 'application/json' });
      assertError(response, 413, { code: 'payload_too_large' });
      assert.equal(await countStoredMessages(store), 0);
    });

    it('a body just under the limit is accepted', async () => {
      const body = JSON.stringify({ to: TO, text: 'a'.repeat(1500), clientRef: 'c'.repeat(250) });
      assert.ok(Buffer.byteLength(body) < 2048, 'the body must be under the limit');
      const response = await sendRaw(gateway, body, { 'content-type': 'application/json' });
      assert.equal(response.statusCode, 202, response.body);
    });

    it('the limit counts bytes, not characters', async () => {
      // 1,100 'ê' are 1,100 characters (under maxTextLength) but 2,200 bytes of UTF-8.
      const body = JSON.stringify({ to: TO, text: 'ê'.repeat(1100) });
      assert.ok(body.length < 2048 && Buffer.byteLength(body) > 2048, 'under the limit in characters only');
      const before = await countStoredMessages(store);
      assertError(await sendRaw(gateway, body, { 'content-type': 'application/json' }), 413, {
        code: 'payload_too_large',
      });
      assert.equal(await countStoredMessages(store), before);
    });
  },
  describe,
);
