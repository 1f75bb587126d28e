import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { assertError, countStoredMessages } from './support.js';

interface Preview {
  encoding: string;
  characters: number;
  units: number;
  segments: number;
  perSegment: number;
  remainingInSegment: number;
  nonGsmCharacters: string[];
  parts: string[];
}

await describeEachDatabase(
  'POST /v1/messages/preview',
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

    const preview = (payload: unknown, headers: Record<string, string> = ADMIN_AUTH) =>
      gateway.http.inject({
        method: 'POST',
        url: '/v1/messages/preview',
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(payload),
      });

    const previewOk = async (text: string): Promise<Preview> => {
      const response = await preview({ text });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as Preview;
    };

    it('a GSM text: gsm7, one segment, no non-GSM characters', async () => {
      assert.deepEqual(await previewOk('Hello world'), {
        encoding: 'gsm7',
        characters: 11,
        units: 11,
        segments: 1,
        perSegment: 160,
        remainingInSegment: 149,
        nonGsmCharacters: [],
        parts: ['Hello world'],
      });
    });

    it("'ê' and '😀' force UCS-2 and are named as the non-GSM characters, in order, once each", async () => {
      const p = await previewOk('Crêpe 😀 and crêpe 😀');
      assert.equal(p.encoding, 'ucs2');
      assert.deepEqual(p.nonGsmCharacters, ['ê', '😀']);
      assert.equal(p.characters, 19, 'the emoji counts as one character');
      assert.equal(p.units, 21, 'the emoji takes two UTF-16 units');
      assert.equal(p.segments, 1);
      assert.equal(p.perSegment, 70);
      assert.equal(p.remainingInSegment, 49);
      assert.deepEqual(p.parts, ['Crêpe 😀 and crêpe 😀']);
    });

    it('GSM extension characters take two septets', async () => {
      const p = await previewOk('{€}');
      assert.equal(p.encoding, 'gsm7');
      assert.equal(p.characters, 3);
      assert.equal(p.units, 6);
    });

    it('a long GSM text is split into 153-septet parts that join back to the text', async () => {
      const text = 'abcdefghij'.repeat(40);
      const p = await previewOk(text);
      assert.equal(p.segments, 3);
      assert.equal(p.perSegment, 153);
      assert.deepEqual(
        p.parts.map((part) => part.length),
        [153, 153, 94],
      );
      assert.equal(p.parts.join(''), text);
      assert.equal(p.remainingInSegment, 153 - 94);
    });

    it('UCS-2 parts never split an emoji', async () => {
      const text = `a${'😀'.repeat(40)}`;
      const p = await previewOk(text);
      assert.equal(p.encoding, 'ucs2');
      assert.equal(p.segments, 2);
      assert.equal(p.parts.join(''), text);
      for (const part of p.parts) {
        assert.ok(part.length <= 67, `a part of ${part.length} units`);
        assert.doesNotMatch(part, /^[\udc00-\udfff]|[\ud800-\udbff]$/, 'a surrogate pair was split');
      }
      assert.deepEqual(
        p.parts.map((part) => part.length),
        [67, 14],
      );
    });

    it('segments agree with what POST /v1/messages reports for the same text', async () => {
      for (const text of ['x', 'é'.repeat(200), 'ê'.repeat(71), '€'.repeat(81), '😀'.repeat(36)]) {
        const p = await previewOk(text);
        const sent = await gateway.http.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: ADMIN_AUTH,
          payload: { to: '+447911123456', text },
        });
        assert.equal(sent.statusCode, 202, sent.body);
        const [m] = sent.json().messages;
        assert.equal(m.encoding, p.encoding, text);
        assert.equal(m.segments, p.segments, text);
      }
    });

    it('stores nothing', async () => {
      const before = await countStoredMessages(store);
      await previewOk('nothing to store');
      assert.equal(await countStoredMessages(store), before);
    });

    it('bad input → 400: missing, empty or non-string text, unknown fields', async () => {
      assertError(await preview({}), 400, { field: 'text' });
      assertError(await preview({ text: '' }), 400, { field: 'text' });
      assertError(await preview({ text: 5 }), 400, { field: 'text' });
      assertError(await preview({ text: ['a'] }), 400, { field: 'text' });
      assertError(await preview({ text: 'a', to: '+447911123456' }), 400, {
        code: 'unknown_field',
        field: 'to',
      });
      assertError(await preview(['a']), 400);
    });

    it('refuses a text longer than maxTextLength (1,600), naming the field, as the send does', async () => {
      const huge = await preview({ text: 'a'.repeat(900_000) });
      assertError(huge, 400, { field: 'text', message: /900000 characters; at most 1600/ });
      assert.ok(huge.body.length < 500, 'no segments in the answer');
      assert.equal((await previewOk('a'.repeat(1600))).segments, 11);
      assert.equal((await previewOk('😀'.repeat(1600))).characters, 1600, 'an emoji counts as one character');
      for (const text of ['a'.repeat(1601), '😀'.repeat(1601)]) {
        const previewed = await preview({ text });
        const sent = await gateway.http.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: ADMIN_AUTH,
          payload: { to: '+447911123456', text },
        });
        assertError(previewed, 400, { field: 'text', message: /at most 1600/ });
        assertError(sent, 400, { field: 'text' });
        assert.equal(previewed.json().error.message, sent.json().error.message);
      }
    });

    it('needs credentials', async () => {
      assertError(await preview({ text: 'hi' }, {}), 401, { code: 'unauthenticated' });
    });
  },
  describe,
);
