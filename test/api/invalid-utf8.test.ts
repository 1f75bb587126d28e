/**
 * JSON bodies are UTF-8: bytes that are not are refused with 400 `invalid_utf8` naming where,
 * never decoded into replacement characters and stored (issue 11, item 10).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { assertError, countStoredMessages, getMessage, sendRaw } from './support.js';

const PREFIX = '{"to":"+447911123456","text":"caf';

/** A send body whose text holds `bytes` right after "caf". */
function bodyWith(bytes: number[]): Buffer {
  return Buffer.concat([Buffer.from(PREFIX, 'utf8'), Buffer.from(bytes), Buffer.from('"}', 'utf8')]);
}

/** Byte sequences that are not UTF-8, and the offset (after "caf") of the first bad byte. */
const NOT_UTF8: { name: string; bytes: number[]; at: number }[] = [
  { name: 'a lone continuation byte', bytes: [0x80], at: 0 },
  { name: 'a truncated two-byte sequence', bytes: [0xc3], at: 0 },
  { name: 'a truncated three-byte sequence', bytes: [0xe2, 0x82], at: 0 },
  { name: 'an overlong "/"', bytes: [0xc0, 0xaf], at: 0 },
  { name: 'an encoded UTF-16 surrogate', bytes: [0xed, 0xa0, 0x80], at: 0 },
  { name: 'a code point past U+10FFFF', bytes: [0xf4, 0x90, 0x80, 0x80], at: 0 },
  { name: '0xFF', bytes: [0xff], at: 0 },
  { name: 'a bad byte after valid ones', bytes: [0xc3, 0xa9, 0x20, 0xf0, 0x9f, 0x98, 0x80, 0xfe], at: 7 },
];

await describeEachDatabase(
  'JSON bodies must be UTF-8',
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

    for (const { name, bytes, at } of NOT_UTF8) {
      it(`refuses ${name} with 400 invalid_utf8 naming its offset, and stores nothing`, async () => {
        const before = await countStoredMessages(store);
        for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
          const response = await sendRaw(gateway, bodyWith(bytes), { 'content-type': contentType });
          const offset = Buffer.byteLength(PREFIX) + at;
          assertError(response, 400, {
            code: 'invalid_utf8',
            message: new RegExp(`^The body is not valid UTF-8: byte ${offset} \\(0x[0-9a-f]{2}\\)`),
          });
        }
        assert.equal(await countStoredMessages(store), before);
      });
    }

    it('refuses it on every JSON route (preview too)', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages/preview',
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
        payload: Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff]), Buffer.from('"}')]),
      });
      assertError(response, 400, { code: 'invalid_utf8', message: /byte 9 \(0xff\)/ });
    });

    it('takes valid UTF-8 (2-, 3- and 4-byte characters) unchanged', async () => {
      const text = 'café € 😀 Привет';
      const response = await sendRaw(
        gateway,
        Buffer.from(JSON.stringify({ to: '+447911123456', text }), 'utf8'),
        {
          'content-type': 'application/json',
        },
      );
      assert.equal(response.statusCode, 202, response.body);
      const [message] = response.json().messages as { id: string }[];
      assert.equal((await getMessage(gateway, message!.id)).text, text);
    });

    it('still answers malformed and empty JSON as before', async () => {
      assertError(
        await sendRaw(gateway, Buffer.from('{"to":'), { 'content-type': 'application/json' }),
        400,
        {
          code: 'invalid_json',
        },
      );
      assertError(await sendRaw(gateway, Buffer.alloc(0), { 'content-type': 'application/json' }), 400, {
        code: 'invalid_json',
      });
      assertError(
        await sendRaw(gateway, Buffer.from('{"__proto__":{"x":1},"to":"+447911123456","text":"x"}'), {
          'content-type': 'application/json',
        }),
        400,
      );
    });
  },
  describe,
);
