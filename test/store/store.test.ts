import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Insertable } from 'kysely';
import { StatusWriter } from '../../src/queue/status-writer.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { migrateToLatest } from '../../src/store/open-store.js';
import { cancelMessage } from '../../src/store/queries/cancel.js';
import {
  countUnsent,
  loadAwaitingReceipts,
  loadDueSoon,
  loadReadyMessages,
  loadSendingMessages,
} from '../../src/store/queries/dispatch-load.js';
import {
  findIdempotentResponse,
  insertIdempotentResponse,
  purgeIdempotencyKeys,
} from '../../src/store/queries/idempotency.js';
import { insertMessages } from '../../src/store/queries/messages-insert.js';
import { findHistory, findMessage, findParts, listMessages } from '../../src/store/queries/messages-read.js';
import { findPartByUpstreamId } from '../../src/store/queries/receipts.js';
import type { MessagesTable } from '../../src/store/schema.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { messageRow } from '../helpers/message-rows.js';

async function insert(store: TestStore, rows: Insertable<MessagesTable>[]): Promise<void> {
  await store.db.transaction().execute((trx) =>
    insertMessages(
      trx,
      rows,
      rows.map((r) => ({ message_id: r.id, status: r.status, at: r.created_at, code: null, detail: null })),
    ),
  );
}

await describeEachDatabase(
  'store',
  (db) => {
    let store: TestStore;
    beforeEach(async () => {
      store = await db.open();
    });
    afterEach(async () => {
      await store.destroy();
    });

    it('migrates an empty database to every migration once; a second run applies nothing', async () => {
      // A fresh, unmigrated database of its own: the shared one is migrated already, so a second
      // run applying nothing there would also pass if migrations never ran at all.
      const empty = await db.open({ migrate: false });
      try {
        const expected = Object.keys(await migrationProvider(empty.dialect).getMigrations()).sort();
        assert.ok(expected.length > 0);
        assert.deepEqual(await migrateToLatest(empty), expected);
        // The schema is really there: the newest tables answer a query.
        assert.equal(await countUnsent(empty), 0);
        assert.deepEqual(await migrateToLatest(empty), []);
      } finally {
        await empty.destroy();
      }
    });

    it('inserts a large batch in one transaction and reads it back', async () => {
      const rows = Array.from({ length: 1500 }, (_, i) => messageRow({ client_ref: `r${i}` }));
      await insert(store, rows);
      const stored = await findMessage(store, 'acct_a', rows[700]!.id);
      assert.equal(stored?.client_ref, 'r700');
      assert.equal(await countUnsent(store), 1500);
      assert.equal((await findHistory(store, rows[0]!.id)).length, 1);
    });

    it('a failed batch stores nothing (duplicate id rolls the whole transaction back)', async () => {
      const a = messageRow();
      await insert(store, [a]);
      const b = messageRow();
      // The duplicate key is why it fails (not some other error that would also roll back).
      await assert.rejects(insert(store, [b, { ...a }]), /unique|duplicate key/i);
      assert.equal(await findMessage(store, 'acct_a', b.id), undefined);
    });

    it('applies coalesced status changes with every transition in history', async () => {
      const rows = [messageRow(), messageRow()];
      await insert(store, rows);
      const writer = new StatusWriter(store);
      const [a, b] = rows as [Insertable<MessagesTable>, Insertable<MessagesTable>];
      const t = Date.now();
      const writes = [
        writer.record({ id: a.id, status: 'sending', at: t, attempts: 1, connector: 'sim' }),
        writer.record({
          id: a.id,
          status: 'sent',
          at: t + 1,
          sentAt: t + 1,
          newParts: [
            { index: 0, connector: 'sim', upstreamId: 'U-1' },
            { index: 1, connector: 'sim', upstreamId: 'U-2' },
          ],
        }),
        writer.record({ id: b.id, status: 'sending', at: t, attempts: 1 }),
        writer.record({
          id: b.id,
          status: 'queued',
          at: t + 2,
          code: 'ESME_RTHROTTLED',
          nextAttemptAt: t + 5000,
        }),
      ];
      await Promise.all(writes);
      const storedA = await findMessage(store, 'acct_a', a.id);
      assert.equal(storedA?.status, 'sent');
      assert.equal(storedA?.attempts, 1);
      assert.equal(storedA?.sent_at, t + 1);
      assert.equal(storedA?.connector, 'sim');
      assert.deepEqual(
        (await findHistory(store, a.id)).map((h) => h.status),
        ['queued', 'sending', 'sent'],
      );
      assert.deepEqual(
        (await findParts(store, a.id)).map((p) => p.upstream_id),
        ['U-1', 'U-2'],
      );
      const storedB = await findMessage(store, 'acct_a', b.id);
      assert.equal(storedB?.status, 'queued');
      assert.equal(storedB?.next_attempt_at, t + 5000);
      assert.equal(storedB?.last_code, 'ESME_RTHROTTLED');

      const match = await findPartByUpstreamId(store, 'sim', 'U-2');
      assert.deepEqual(match, {
        messageId: a.id,
        partIndex: 1,
        segments: 1,
        messageStatus: 'sent',
        partStatuses: ['sent', 'sent'],
        partUpstreamIds: ['U-1', 'U-2'],
      });
      assert.equal(await findPartByUpstreamId(store, 'other', 'U-2'), undefined);
      const awaiting = await loadAwaitingReceipts(store, 'sim');
      assert.deepEqual(awaiting, [{ messageId: a.id, to: a.to_number, upstreamIds: ['U-1', 'U-2'] }]);
    });

    it('loads ready messages by priority then age, honouring the cursor and retry times', async () => {
      const now = Date.now();
      const low = messageRow({ priority: 0 });
      const normal1 = messageRow({ priority: 1 });
      const normal2 = messageRow({ priority: 1 });
      const urgent = messageRow({ priority: 3 });
      const later = messageRow({ priority: 3, next_attempt_at: now + 60_000 });
      const sending = messageRow({ status: 'sending' });
      await insert(store, [low, normal1, normal2, urgent, later, sending]);
      const all = await loadReadyMessages(store, now, 10);
      assert.deepEqual(
        all.map((r) => r.id),
        [urgent.id, normal1.id, normal2.id, low.id],
      );
      const page = await loadReadyMessages(store, now, 10, { priority: 1, id: normal1.id as string });
      assert.deepEqual(
        page.map((r) => r.id),
        [normal2.id, low.id],
      );
      assert.deepEqual(
        (await loadSendingMessages(store)).map((r) => r.id),
        [sending.id],
      );
      const due = await loadDueSoon(store, now + 120_000);
      assert.deepEqual(due, [{ id: later.id, due: now + 60_000 }]);
    });

    it('cancels only messages that have not left the gateway', async () => {
      const queued = messageRow();
      const sent = messageRow({ status: 'sent' });
      await insert(store, [queued, sent]);
      assert.equal((await cancelMessage(store, 'acct_a', queued.id as string, Date.now())).canceled, true);
      assert.equal((await cancelMessage(store, 'acct_a', sent.id as string, Date.now())).canceled, false);
      assert.equal(
        (await cancelMessage(store, 'acct_other', queued.id as string, Date.now())).canceled,
        false,
      );
      assert.equal((await findMessage(store, 'acct_a', queued.id as string))?.status, 'canceled');
      assert.deepEqual(
        (await findHistory(store, queued.id as string)).map((h) => h.status),
        ['queued', 'canceled'],
      );
    });

    it('lists one account only, newest first, with filters', async () => {
      const base = Date.now();
      const rows = [
        messageRow({ created_at: base - 3000, client_ref: 'x' }),
        messageRow({ created_at: base - 2000, to_number: '+447911000001' }),
        messageRow({ created_at: base - 1000, status: 'delivered' }),
        messageRow({ account_id: 'acct_b' }),
      ];
      await insert(store, rows);
      const mine = await listMessages(store, { accountId: 'acct_a', limit: 10 });
      assert.deepEqual(
        mine.map((r) => r.id),
        [rows[2]!.id, rows[1]!.id, rows[0]!.id],
      );
      assert.equal(
        (await listMessages(store, { accountId: 'acct_a', status: 'delivered', limit: 10 })).length,
        1,
      );
      assert.equal(
        (await listMessages(store, { accountId: 'acct_a', to: '+447911000001', limit: 10 })).length,
        1,
      );
      assert.equal((await listMessages(store, { accountId: 'acct_a', clientRef: 'x', limit: 10 })).length, 1);
      assert.equal(
        (await listMessages(store, { accountId: 'acct_a', since: base - 2500, until: base - 500, limit: 10 }))
          .length,
        2,
      );
      const before = await listMessages(store, {
        accountId: 'acct_a',
        before: rows[1]!.id as string,
        limit: 10,
      });
      assert.deepEqual(
        before.map((r) => r.id),
        [rows[0]!.id],
      );
    });

    it('stores idempotent responses with a time limit', async () => {
      const now = Date.now();
      await store.db.transaction().execute((trx) =>
        insertIdempotentResponse(trx, {
          accountId: 'acct_a',
          key: 'k1',
          requestHash: 'h',
          statusCode: 202,
          response: '{"ok":true}',
          createdAt: now - 10_000,
          expiredBefore: now - 86_400_000,
        }),
      );
      assert.equal(
        (await findIdempotentResponse(store, 'acct_a', 'k1', now - 20_000))?.response,
        '{"ok":true}',
      );
      assert.equal(await findIdempotentResponse(store, 'acct_a', 'k1', now - 5_000), undefined);
      assert.equal(await findIdempotentResponse(store, 'acct_b', 'k1', now - 20_000), undefined);
      assert.equal(await purgeIdempotencyKeys(store, now - 5_000), 1);
      assert.equal(await findIdempotentResponse(store, 'acct_a', 'k1', 0), undefined);
    });
  },
  describe,
);
