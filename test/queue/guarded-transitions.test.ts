/**
 * Every status transition is guarded by the lifecycle (core/statuses.ts TRANSITIONS): a change the
 * message's current status does not allow is refused in SQL and stores nothing, and the writer says
 * so. That is what makes the store the one truth when something else (a cancel, another node)
 * moved the message first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { predecessorsOf, TRANSITIONS } from '../../src/core/statuses.js';
import type { Gateway } from '../../src/gateway.js';
import { StatusWriter } from '../../src/queue/status-writer.js';
import { cancelMessage } from '../../src/store/queries/cancel.js';
import { insertMessages } from '../../src/store/queries/messages-insert.js';
import { findHistory, findMessage } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { messageRow } from '../helpers/message-rows.js';

describe('the lifecycle table', () => {
  it('lets nothing leave a final status and every status be reached from where the code moves it', () => {
    for (const final of ['delivered', 'undelivered', 'expired', 'rejected', 'failed', 'canceled'] as const) {
      assert.deepEqual(TRANSITIONS[final], []);
    }
    assert.deepEqual([...predecessorsOf('sending')], ['queued']);
    assert.deepEqual([...predecessorsOf('canceled')].sort(), ['queued', 'scheduled']);
    assert.deepEqual([...predecessorsOf('delivered')], ['sent']);
    assert.ok(predecessorsOf('queued').includes('sending'), 'a retry goes back to queued');
  });
});

await describeEachDatabase(
  'guarded status transitions',
  (db) => {
    let store: TestStore;
    let writer: StatusWriter;
    before(async () => {
      store = await db.open();
      writer = new StatusWriter(store);
    });
    after(async () => {
      await writer.idle();
      await store.destroy();
    });

    async function queued(): Promise<string> {
      const row = messageRow({ account_id: 'acct_a' });
      await store.db.transaction().execute((trx) => insertMessages(trx, [row], []));
      return row.id as string;
    }

    it('a message canceled in the store cannot be moved to sending: refused, nothing stored', async () => {
      const id = await queued();
      assert.equal((await cancelMessage(store, 'acct_a', id, Date.now())).canceled, true);
      const applied = await writer.record({
        id,
        status: 'sending',
        at: Date.now(),
        attempts: 1,
        connector: 'sim',
      });
      assert.equal(applied, false);
      const row = await findMessage(store, 'acct_a', id);
      assert.equal(row?.status, 'canceled');
      assert.equal(row?.attempts, 0);
      assert.deepEqual(
        (await findHistory(store, id)).map((h) => h.status),
        ['canceled'],
      );
    });

    it('allowed moves apply, including several of one message in one flush; a move back is refused', async () => {
      const id = await queued();
      const at = Date.now();
      // Recorded together: one flush, one guarded UPDATE checked against the first change.
      const [sending, sent] = await Promise.all([
        writer.record({ id, status: 'sending', at, attempts: 1 }),
        writer.record({ id, status: 'sent', at: at + 1, sentAt: at + 1 }),
      ]);
      assert.deepEqual([sending, sent], [true, true]);
      assert.equal(await writer.record({ id, status: 'queued', at: at + 2 }), false, 'sent never goes back');
      assert.equal(await writer.record({ id, status: 'delivered', at: at + 3, finalAt: at + 3 }), true);
      assert.equal(
        await writer.record({ id, status: 'undelivered', at: at + 4 }),
        false,
        'final stays final',
      );
      assert.equal((await findMessage(store, 'acct_a', id))?.status, 'delivered');
      assert.deepEqual(
        (await findHistory(store, id)).map((h) => h.status),
        ['sending', 'sent', 'delivered'],
      );
    });
  },
  describe,
);

await describeEachDatabase(
  'a message canceled behind the dispatcher’s back (as another node would)',
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

    it('is not sent when its scheduled time comes', async () => {
      const scheduleAt = new Date(Date.now() + 1500).toISOString();
      const sent = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: '+447911123456', text: 'scheduled', scheduleAt },
      });
      assert.equal(sent.statusCode, 202, sent.body);
      const id = sent.json().messages[0].id as string;
      // Straight in the store: the dispatcher holds the message in memory and knows nothing of it.
      assert.equal((await cancelMessage(store, 'admin', id, Date.now())).canceled, true);
      await waitFor(
        () =>
          gateway.dispatcher.stats().scheduled === 0 && gateway.dispatcher.stats().inFlight === 0
            ? true
            : undefined,
        10_000,
        'the scheduled time to pass and the release to settle',
      );
      await gateway.writer.idle();
      assert.equal((await findMessage(store, 'admin', id))?.status, 'canceled');
      assert.deepEqual(
        (await findHistory(store, id)).map((h) => h.status),
        ['scheduled', 'canceled'],
        'never queued again, never sending',
      );
    });
  },
  describe,
);
