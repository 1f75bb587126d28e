import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import {
  assertError,
  countStoredMessages,
  isoIn,
  NUMBERS,
  ONE_HOUR_MS,
  sendMessages,
  sendOk,
  sendOne,
} from './support.js';

await describeEachDatabase(
  'a full queue (queue.maxQueued: 3)',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { queue: { maxQueued: 3 } } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    // Scheduled an hour ahead, messages stay unsent and keep their place in the queue.
    const later = (to: string | string[] = NUMBERS.delivered) => ({
      to,
      text: 'wait',
      scheduleAt: isoIn(ONE_HOUR_MS),
    });

    it('accepts 3 unsent messages; the 4th gets 503 queue_full with retry-after and is not stored', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await sendOne(gateway, later()));
      assert.equal(await countStoredMessages(store), 3);

      const refused = await sendMessages(gateway, later());
      assertError(refused, 503, { code: 'queue_full' });
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter > 0,
        `retry-after: ${refused.headers['retry-after']}`,
      );
      assert.equal(await countStoredMessages(store), 3);

      // Also when the message would be sent now, and with an Idempotency-Key.
      assertError(await sendMessages(gateway, { to: NUMBERS.delivered, text: 'now' }), 503, {
        code: 'queue_full',
      });
      assertError(await sendMessages(gateway, later(), { ...ADMIN_AUTH, 'idempotency-key': 'full-1' }), 503, {
        code: 'queue_full',
      });
      assert.equal(await countStoredMessages(store), 3);
    });

    it('canceling frees one place: two recipients are refused whole, one is accepted (with a key refused before)', async () => {
      const cancel = await gateway.http.inject({
        method: 'POST',
        url: `/v1/messages/${(await firstScheduledId())!}/cancel`,
        headers: ADMIN_AUTH,
      });
      assert.equal(cancel.statusCode, 200, cancel.body);

      assertError(await sendMessages(gateway, later([NUMBERS.delivered, NUMBERS.delivered2])), 503, {
        code: 'queue_full',
      });
      assert.equal(await countStoredMessages(store), 3);

      const [accepted] = await sendOk(gateway, later(), { ...ADMIN_AUTH, 'idempotency-key': 'full-1' });
      assert.equal(accepted!.status, 'scheduled');
      assert.equal(await countStoredMessages(store), 4);

      assertError(await sendMessages(gateway, later()), 503, { code: 'queue_full' });
      assert.equal(await countStoredMessages(store), 4);
    });

    it('the limit is not a validation error: bad input is still a 400 when the queue is full', async () => {
      assertError(await sendMessages(gateway, { to: 'nope', text: 'x' }), 400, { field: 'to' });
    });

    async function firstScheduledId(): Promise<string | undefined> {
      const response = await gateway.http.inject({
        method: 'GET',
        url: '/v1/messages?status=scheduled&limit=1',
        headers: ADMIN_AUTH,
      });
      return response.json().data[0]?.id;
    }
  },
  describe,
);
