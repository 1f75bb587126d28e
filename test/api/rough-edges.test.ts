/**
 * What a new operator tripped over (issue 14), each kept as a test: an empty JSON body where none
 * is needed, an unencoded `+` in a filter, parts of single-segment messages after delivery, numbers
 * without `+`, type errors and 415s that say what was expected, idempotency that does not depend
 * on key order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { assertError, get, sendOne } from './support.js';

await describeEachDatabase(
  'operator rough edges',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let regional: Gateway;
    let regionalStore: TestStore;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      regionalStore = await db.open();
      regional = await startTestGateway(regionalStore, { config: { defaultRegion: 'IN' } });
    });
    after(async () => {
      await gateway.stop(false);
      await regional.stop(false);
      await store.destroy();
      await regionalStore.destroy();
    });

    const post = (
      g: Gateway,
      url: string,
      payload: string | undefined,
      headers: Record<string, string> = {},
    ) =>
      g.http.inject({
        method: 'POST',
        url,
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json', ...headers },
        ...(payload === undefined ? {} : { payload }),
      });

    it('cancel with Content-Type: application/json and no body works', async () => {
      const scheduleAt = new Date(Date.now() + 3_600_000).toISOString();
      const id = await sendOne(gateway, { to: '+447911123456', text: 'later', scheduleAt });
      const canceled = await post(gateway, `/v1/messages/${id}/cancel`, undefined);
      assert.equal(canceled.statusCode, 200, canceled.body);
      assert.equal(canceled.json().status, 'canceled');
      // A send still needs its body, and says so.
      assertError(await post(gateway, '/v1/messages', ''), 400, { code: 'invalid_json', message: /empty/ });
    });

    it('?to= with an unencoded + finds the message; a filter that is not a number is a 400', async () => {
      const id = await sendOne(gateway, { to: '+447911120003', text: 'find me' });
      for (const query of ['to=+447911120003', 'to=%2B447911120003']) {
        const listed = await get(gateway, `/v1/messages?${query}`);
        assert.equal(listed.statusCode, 200, listed.body);
        assert.deepEqual(
          listed.json().data.map((m: { id: string }) => m.id),
          [id],
          query,
        );
      }
      assertError(await get(gateway, '/v1/messages?to=not-a-number'), 400, {
        field: 'to',
        code: 'invalid_number',
      });
    });

    it('a single-segment message’s part records its receipt, as a long message’s parts do', async () => {
      const id = await sendOne(gateway, { to: '+447911123456', text: 'one part' });
      const view = await waitFor(
        async () => {
          const body = (await get(gateway, `/v1/messages/${id}`)).json();
          return body.status === 'delivered' && body.parts[0]?.status !== 'sent' ? body : undefined;
        },
        10_000,
        'the part updated after delivery',
      );
      assert.equal(view.parts.length, 1);
      assert.equal(view.parts[0].status, 'delivered');
    });

    it('international numbers without + are read where unambiguous; ambiguous ones are refused', async () => {
      const [plain] = (
        await post(gateway, '/v1/messages', JSON.stringify({ to: '447911123456', text: 'kannel style' }))
      ).json().messages;
      assert.equal(plain.to, '+447911123456');
      // With a default region (IN): a national number, and the country's code written without +.
      const national = await post(regional, '/v1/messages', JSON.stringify({ to: '9812345678', text: 'x' }));
      assert.equal(national.json().messages?.[0]?.to, '+919812345678', national.body);
      const withCode = await post(
        regional,
        '/v1/messages',
        JSON.stringify({ to: '919812345678', text: 'x' }),
      );
      assert.equal(withCode.json().messages?.[0]?.to, '+919812345678', withCode.body);
      // 9114701943: +91 1470 1943, or 91147 01943 read nationally: refused, both readings named.
      const ambiguous = await post(regional, '/v1/messages', JSON.stringify({ to: '9114701943', text: 'x' }));
      const error = assertError(ambiguous, 400, {
        field: 'to',
        code: 'invalid_number',
        message: /ambiguous/,
      });
      assert.match(error.message, /\+9114701943/);
      assert.match(error.message, /\+919114701943/);
    });

    it('type errors and 415s say what was expected', async () => {
      const numeric = await post(gateway, '/v1/messages', JSON.stringify({ to: 447911123456, text: 'x' }));
      assertError(numeric, 400, { field: 'to', message: /phone number as a string/ });
      const text = await post(gateway, '/v1/messages', JSON.stringify({ to: '+447911123456', text: 5 }));
      assertError(text, 400, { field: 'text', message: /must be a string/ });
      const plainText = await post(gateway, '/v1/messages', 'hello', { 'content-type': 'text/plain' });
      assertError(plainText, 415, {
        code: 'unsupported_media_type',
        message: /text\/plain.*send application\/json/,
      });
      const none = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: Buffer.from('{"to":"+447911123456","text":"x"}'),
      });
      assertError(none, 415, { message: /without a Content-Type.*send application\/json/ });
    });

    it('the same Idempotency-Key and body with its fields in another order is a replay, not a 409', async () => {
      const key = { 'idempotency-key': `reorder-${db.dialect}` };
      const first = await post(
        gateway,
        '/v1/messages',
        '{"to":"+447911123457","text":"once","clientRef":"r1"}',
        key,
      );
      assert.equal(first.statusCode, 202, first.body);
      const again = await post(
        gateway,
        '/v1/messages',
        '{"clientRef":"r1","text":"once","to":"+447911123457"}',
        key,
      );
      assert.equal(again.statusCode, 202, again.body);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json(), first.json());
      const different = await post(
        gateway,
        '/v1/messages',
        '{"clientRef":"r2","text":"once","to":"+447911123457"}',
        key,
      );
      assertError(different, 409, { code: 'idempotency_key_reused' });
    });
  },
  describe,
);
