import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { assertError, countStoredMessages, NUMBERS, sendOk, waitForStatus } from './support.js';

interface BatchAnswer {
  results: {
    index: number;
    status: 'accepted' | 'replayed' | 'error';
    message?: {
      messages: { id: string; to: string; status: string; segments: number; clientRef: string | null }[];
    };
    error?: { code: string; message: string; field?: string };
  }[];
}

await describeEachDatabase(
  'POST /v1/messages/batch',
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

    const batch = (body: unknown) =>
      gateway.http.inject({
        method: 'POST',
        url: '/v1/messages/batch',
        headers: { 'content-type': 'application/json', ...ADMIN_AUTH },
        payload: JSON.stringify(body),
      });

    it('accepts, refuses and replays each item on its own, answering in item order', async () => {
      const before = await countStoredMessages(store);
      const items = [
        { to: NUMBERS.delivered, text: 'one', clientRef: 'a', idempotencyKey: 'batch-test-1' },
        { to: NUMBERS.delivered2, text: 42 },
        { to: [NUMBERS.delivered3, NUMBERS.delivered], text: 'two recipients' },
        { to: 'not a number', text: 'bad number' },
        { to: NUMBERS.delivered, text: 'x', color: 'red' },
        { to: NUMBERS.delivered, text: 'bad key', idempotencyKey: 7 },
      ];
      const first = await batch({ messages: items });
      assert.equal(first.statusCode, 202, first.body);
      const { results } = first.json() as BatchAnswer;
      assert.deepEqual(
        results.map((r) => [r.index, r.status]),
        [
          [0, 'accepted'],
          [1, 'error'],
          [2, 'accepted'],
          [3, 'error'],
          [4, 'error'],
          [5, 'error'],
        ],
      );
      assert.equal(results[1]!.error!.field, 'text');
      assert.equal(results[3]!.error!.field, 'to');
      assert.equal(results[4]!.error!.code, 'unknown_field');
      assert.equal(results[4]!.error!.field, 'color');
      assert.equal(results[5]!.error!.field, 'idempotencyKey');
      assert.equal(results[2]!.message!.messages.length, 2);
      assert.equal(await countStoredMessages(store), before + 3);

      // The same object POST /v1/messages answers.
      const single = await sendOk(gateway, { to: NUMBERS.delivered, text: 'one', clientRef: 'a' });
      assert.deepEqual(Object.keys(results[0]!.message!.messages[0]!).sort(), Object.keys(single[0]!).sort());
      await waitForStatus(gateway, results[0]!.message!.messages[0]!.id, 'delivered');

      // Sent again: the keyed item is replayed (the same message), the unkeyed one sent again.
      const again = await batch({ messages: [items[0], items[2]] });
      const replay = (again.json() as BatchAnswer).results;
      assert.equal(replay[0]!.status, 'replayed');
      assert.equal(replay[0]!.message!.messages[0]!.id, results[0]!.message!.messages[0]!.id);
      assert.equal(replay[1]!.status, 'accepted');
      assert.equal(await countStoredMessages(store), before + 1 + 3 + 2);

      // A key reused for another text is that item's error, not the batch's.
      const reused = await batch({ messages: [{ ...items[0], text: 'other' }] });
      const [conflict] = (reused.json() as BatchAnswer).results;
      assert.equal(conflict!.status, 'error');
      assert.equal(conflict!.error!.code, 'idempotency_key_reused');
    });

    it('400 naming messages for more than 1000 items, none, or no list', async () => {
      const before = await countStoredMessages(store);
      const many = Array.from({ length: 1001 }, () => ({ to: NUMBERS.delivered, text: 'x' }));
      assertError(await batch({ messages: many }), 400, { field: 'messages', message: /at most 1000/ });
      assertError(await batch({ messages: [] }), 400, { field: 'messages' });
      assertError(await batch({}), 400, { field: 'messages' });
      assertError(await batch({ messages: 'x' }), 400, { field: 'messages' });
      assertError(await batch({ messages: [{ to: NUMBERS.delivered, text: 'x' }], extra: 1 }), 400, {
        field: 'extra',
      });
      assert.equal(await countStoredMessages(store), before, 'a refused batch stores nothing');
    });

    it('takes exactly 1000 items', async () => {
      const before = await countStoredMessages(store);
      const items = Array.from({ length: 1000 }, (_, i) => ({
        to: `+4479111${String(40000 + i).padStart(5, '0')}`,
        text: `item ${i}`,
        idempotencyKey: `thousand-${i}`,
      }));
      const response = await batch({ messages: items });
      assert.equal(response.statusCode, 202, response.body.slice(0, 500));
      const { results } = response.json() as BatchAnswer;
      assert.equal(results.filter((r) => r.status === 'accepted').length, 1000);
      assert.equal(await countStoredMessages(store), before + 1000);
    });

    it('needs an API key', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages/batch',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ messages: [{ to: NUMBERS.delivered, text: 'x' }] }),
      });
      assertError(response, 401);
    });
  },
  describe,
);
