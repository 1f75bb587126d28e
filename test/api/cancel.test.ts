import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import {
  assertError,
  createAccount,
  getMessage,
  type Headers,
  isoIn,
  listMessages,
  type MessageView,
  NUMBERS,
  ONE_HOUR_MS,
  sendOk,
  sendOne,
  waitForStatus,
} from './support.js';

await describeEachDatabase(
  'POST /v1/messages/:id/cancel',
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

    const cancel = (id: string, headers: Headers = ADMIN_AUTH) =>
      gateway.http.inject({ method: 'POST', url: `/v1/messages/${encodeURIComponent(id)}/cancel`, headers });

    it('cancels a message scheduled an hour ahead: 200, status canceled, history ends canceled', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'c', scheduleAt: isoIn(ONE_HOUR_MS) });
      const response = await cancel(id);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json() as MessageView;
      assert.equal(body.id, id);
      assert.equal(body.status, 'canceled');
      assert.ok(body.finalAt, 'a canceled message has a final time');
      assert.deepEqual(
        body.history!.map((h) => h.status),
        ['scheduled', 'canceled'],
      );

      const stored = await getMessage(gateway, id);
      assert.equal(stored.status, 'canceled');
      assert.deepEqual(stored.parts, []);
      assert.equal(stored.sentAt, null);
      assert.equal(stored.history!.at(-1)!.status, 'canceled');
      const listed = (await listMessages(gateway, { status: 'canceled' })).json() as { data: MessageView[] };
      assert.ok(
        listed.data.some((m) => m.id === id),
        'listed under status=canceled',
      );
    });

    it('a message canceled shortly before its time is never sent, while its twin is', async () => {
      const scheduleAt = isoIn(300);
      const [keep, drop] = await sendOk(gateway, {
        to: [NUMBERS.delivered, NUMBERS.delivered2],
        text: 'twins',
        scheduleAt,
      });
      const response = await cancel(drop!.id);
      assert.equal(response.statusCode, 200, response.body);
      // Once the twin (same due time) has gone all the way, the canceled one had every chance to be sent.
      await waitForStatus(gateway, keep!.id, 'delivered');
      const canceled = await getMessage(gateway, drop!.id);
      assert.equal(canceled.status, 'canceled');
      assert.deepEqual(
        canceled.history!.map((h) => h.status),
        ['scheduled', 'canceled'],
      );
      assert.deepEqual(canceled.parts, []);
      assert.equal(canceled.attempts, 0);
    });

    it('a delivered message → 409 not_cancelable, and it stays delivered', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'done' });
      await waitForStatus(gateway, id, 'delivered');
      assertError(await cancel(id), 409, { code: 'not_cancelable', message: /delivered/ });
      assert.equal((await getMessage(gateway, id)).status, 'delivered');
    });

    it('a rejected message → 409 not_cancelable', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.rejected, text: 'no' });
      await waitForStatus(gateway, id, 'rejected');
      assertError(await cancel(id), 409, { code: 'not_cancelable' });
    });

    it('canceling twice → the second is 409 not_cancelable, history has one canceled entry', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'c', scheduleAt: isoIn(ONE_HOUR_MS) });
      assert.equal((await cancel(id)).statusCode, 200);
      assertError(await cancel(id), 409, { code: 'not_cancelable', message: /canceled/ });
      const m = await getMessage(gateway, id);
      assert.equal(m.history!.filter((h) => h.status === 'canceled').length, 1);
    });

    it('unknown id → 404 not_found', async () => {
      assertError(await cancel('msg_01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, { code: 'not_found' });
      assertError(await cancel('whatever'), 404, { code: 'not_found' });
    });

    it("another account's message → 404, and it is not canceled", async () => {
      const other = await createAccount(store);
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'c', scheduleAt: isoIn(ONE_HOUR_MS) });
      assertError(await cancel(id, other.auth), 404, { code: 'not_found' });
      assert.equal((await getMessage(gateway, id)).status, 'scheduled');
    });

    it('needs credentials', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'c', scheduleAt: isoIn(ONE_HOUR_MS) });
      const response = await gateway.http.inject({ method: 'POST', url: `/v1/messages/${id}/cancel` });
      assertError(response, 401, { code: 'unauthenticated' });
      assert.equal((await getMessage(gateway, id)).status, 'scheduled');
    });
  },
  describe,
);
