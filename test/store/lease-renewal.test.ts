/**
 * Renewing message leases: only the rows this node holds get the new `lease_until`, on both
 * stores (SQLite now renews by primary key; PostgreSQL keeps its SKIP LOCKED subquery), and the
 * count says how many were renewed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renewLeases } from '../../src/store/queries/message-leases.js';
import { insertMessages } from '../../src/store/queries/messages-insert.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { messageRow } from '../helpers/message-rows.js';

await describeEachDatabase(
  'renewing message leases',
  (db) => {
    let store: TestStore;
    before(async () => {
      store = await db.open();
    });
    after(async () => {
      await store.destroy();
    });

    it('extends the leases this node holds, and no one else’s', async () => {
      const old = Date.now() + 1_000;
      const mine = Array.from({ length: 1_200 }, () =>
        messageRow({ lease_owner: 'node-a', lease_until: old }),
      );
      const theirs = messageRow({ lease_owner: 'node-b', lease_until: old });
      const free = messageRow();
      await store.db.transaction().execute((trx) => insertMessages(trx, [...mine, theirs, free], []));
      const until = Date.now() + 30_000;
      const ids = [...mine, theirs, free].map((row) => row.id as string);
      // More than two slices of 500, with rows held by another node and by nobody among them.
      const renewed = await renewLeases(store, { owner: 'node-a', until }, ids);
      assert.equal(renewed, mine.length);
      const rows = await store.db
        .selectFrom('messages')
        .select(['id', 'lease_owner', 'lease_until'])
        .where('id', 'in', ids)
        .execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const row of mine) assert.equal(Number(byId.get(row.id as string)!.lease_until), until);
      assert.equal(Number(byId.get(theirs.id as string)!.lease_until), old);
      assert.equal(byId.get(theirs.id as string)!.lease_owner, 'node-b');
      assert.equal(byId.get(free.id as string)!.lease_until, null);
    });
  },
  describe,
);
