import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertMessages } from '../../src/store/queries/messages-insert.js';
import { findHistory, findMessage, findParts } from '../../src/store/queries/messages-read.js';
import { applyStatusBatch } from '../../src/store/queries/status-batch.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { messageRow } from '../helpers/message-rows.js';

/**
 * One status flush, written by the store as one transaction (SQLite: prepared statements one after
 * another; PostgreSQL: one statement whose parts all see the rows as they were before it).
 */
await describeEachDatabase(
  'status batch',
  (db) => {
    let store: TestStore;
    before(async () => {
      store = await db.open();
    });
    after(async () => {
      await store.destroy();
    });

    async function stored(status: string): Promise<string> {
      const row = messageRow({ status, callback_url: 'http://127.0.0.1:9/cb' });
      await store.db.transaction().execute((trx) => insertMessages(trx, [row], []));
      return row.id as string;
    }

    async function eventsOf(id: string): Promise<{ status: string | null; seq: number }[]> {
      const rows = await store.db
        .selectFrom('events')
        .select(['status', 'seq'])
        .where('message_id', '=', id)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({ status: r.status, seq: Number(r.seq) }));
    }

    it('stores segments inserted and updated in one flush, and nothing of a refused move', async () => {
      const sent = await stored('queued');
      const final = await stored('delivered');
      const at = Date.now();
      const applied = await applyStatusBatch(store, {
        patches: [
          { id: sent, status: 'sent', allowedFrom: ',queued,sending,', updatedAt: at, sentAt: at },
          { id: final, status: 'sent', allowedFrom: ',queued,sending,', updatedAt: at, sentAt: at },
        ],
        history: [
          { message_id: sent, status: 'sent', at, code: null, detail: null },
          { message_id: final, status: 'sent', at, code: null, detail: null },
        ],
        newParts: [0, 1].flatMap((i) =>
          [sent, final].map((id) => ({
            message_id: id,
            part_index: i,
            connector: 'sim',
            upstream_id: `${id}-${i}`,
            status: 'sent',
            code: null,
            updated_at: at,
          })),
        ),
        partUpdates: [
          { messageId: sent, partIndex: 1, status: 'delivered', code: '000', updatedAt: at + 1 },
          // Of two updates of one segment in a flush the last one stands.
          { messageId: sent, partIndex: 1, status: 'undelivered', code: '001', updatedAt: at + 2 },
          { messageId: final, partIndex: 0, status: 'delivered', code: '000', updatedAt: at + 1 },
        ],
        events: [
          { messageId: sent, status: 'sent', code: null, detail: null, at },
          { messageId: final, status: 'sent', code: null, detail: null, at },
        ],
      });
      assert.deepEqual([...applied.refused], [final]);
      assert.deepEqual(
        applied.events.map((e) => e.orderKey),
        [sent],
      );
      assert.equal((await findMessage(store, 'acct_a', sent))?.status, 'sent');
      assert.deepEqual(
        (await findParts(store, sent)).map((p) => [p.part_index, p.status, p.code]),
        [
          [0, 'sent', null],
          [1, 'undelivered', '001'],
        ],
      );
      assert.deepEqual(
        (await findHistory(store, sent)).map((h) => h.status),
        ['sent'],
      );
      assert.deepEqual(
        (await eventsOf(sent)).map((e) => e.status),
        ['sent'],
      );
      // The refused message: as it was.
      assert.equal((await findMessage(store, 'acct_a', final))?.status, 'delivered');
      assert.deepEqual(await findParts(store, final), []);
      assert.deepEqual(await findHistory(store, final), []);
      assert.deepEqual(await eventsOf(final), []);

      // A later flush updates a segment stored by an earlier one, and its event follows the first.
      const later = await applyStatusBatch(store, {
        patches: [
          { id: sent, status: 'delivered', allowedFrom: ',sent,', updatedAt: at + 3, finalAt: at + 3 },
        ],
        history: [{ message_id: sent, status: 'delivered', at: at + 3, code: '000', detail: null }],
        newParts: [],
        partUpdates: [{ messageId: sent, partIndex: 0, status: 'delivered', code: '000', updatedAt: at + 3 }],
        events: [{ messageId: sent, status: 'delivered', code: '000', detail: null, at: at + 3 }],
      });
      assert.equal(later.refused.size, 0);
      assert.deepEqual(
        (await findParts(store, sent)).map((p) => p.status),
        ['delivered', 'undelivered'],
      );
      const events = await eventsOf(sent);
      assert.deepEqual(
        events.map((e) => e.status),
        ['sent', 'delivered'],
      );
      assert.equal(later.events[0]?.seq, events[1]?.seq);
    });
  },
  describe,
);
