/**
 * Claiming webhook events on PostgreSQL keeps each message's order even when `SKIP LOCKED` skips
 * an earlier event's row, and when an earlier event waits behind another node's. Both races are
 * forced: a second connection holds the row lock (or a lease) the claim must not step over.
 * Before the fix a single statement claimed a message's `delivered` event while its `sent` event's
 * row was locked, so `delivered` reached the application first (seen in a PostgreSQL restart run).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Store } from '../../src/store/open-store.js';
import { claimEvents, claimPendingEventsOfAccount } from '../../src/store/queries/event-leases.js';
import { describePostgres, type TestStore } from '../helpers/databases.js';

const ACCOUNT = 'acct_claim_order';
const ME = { owner: 'node-me', until: 0 };
const LEASE_MS = 30_000;

await describePostgres(
  'claiming events keeps per-message order',
  (db) => {
    let store: TestStore;
    let other: Store;
    before(async () => {
      store = await db.open();
      other = await store.reopen();
    });
    after(async () => {
      await other.close();
      await store.destroy();
    });
    beforeEach(async () => {
      await sql`DELETE FROM events WHERE account_id = ${ACCOUNT}`.execute(store.db);
    });

    /** Pending events in this order (one order key per message), returning their seqs. */
    async function events(...orderKeys: string[]): Promise<number[]> {
      const now = Date.now();
      const seqs: number[] = [];
      for (const [i, orderKey] of orderKeys.entries()) {
        const row = await store.db
          .insertInto('events')
          .values({
            id: `evt_order_${now}_${i}`,
            account_id: ACCOUNT,
            type: 'message.status',
            message_id: orderKey,
            inbound_id: null,
            order_key: orderKey,
            status: i % 2 === 0 ? 'sent' : 'delivered',
            code: null,
            detail: null,
            at: now,
            url: 'http://127.0.0.1:9/hook',
            format: 'native',
            state: 'pending',
            attempts: 0,
            next_attempt_at: now,
            pending_since: now,
            last_error: null,
            delivered_at: null,
            created_at: now,
          })
          .returning('seq')
          .executeTakeFirstOrThrow();
        seqs.push(Number(row.seq));
      }
      return seqs;
    }

    /** Holds the row lock of `seq` on the other connection until the returned release is called. */
    async function lockRow(seq: number): Promise<() => Promise<void>> {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const done = other.db.transaction().execute(async (trx) => {
        await sql`SELECT seq FROM events WHERE seq = ${seq} FOR UPDATE`.execute(trx);
        locked();
        await released;
      });
      await isLocked;
      return async () => {
        release();
        await done;
      };
    }

    const lease = () => ({ ...ME, until: Date.now() + LEASE_MS });

    describe('an earlier event whose row is locked', () => {
      it('a refill page takes neither it nor what follows it, and takes both in order once it is free', async () => {
        const [sent, delivered] = await events('msg_a', 'msg_a');
        const [otherSent] = await events('msg_b');
        const release = await lockRow(sent!);
        try {
          const page = await claimPendingEventsOfAccount(store, lease(), Date.now(), ACCOUNT, 0, 100);
          assert.deepEqual(
            page.events.map((e) => e.seq),
            [otherSent],
            'the delivered event was claimed while its sent event was skipped',
          );
          assert.equal(page.full, false);
        } finally {
          await release();
        }
        const again = await claimPendingEventsOfAccount(store, lease(), Date.now(), ACCOUNT, 0, 100);
        assert.deepEqual(
          again.events.map((e) => e.seq),
          [sent, delivered, otherSent],
        );
      });

      it('claiming just-written events stops the message at the locked one', async () => {
        const [sent, delivered] = await events('msg_a', 'msg_a');
        const release = await lockRow(sent!);
        try {
          const held = await claimEvents(store, lease(), Date.now(), [sent!, delivered!]);
          assert.deepEqual([...held], [], 'the delivered event was claimed past its locked sent event');
        } finally {
          await release();
        }
        const held = await claimEvents(store, lease(), Date.now(), [sent!, delivered!]);
        assert.deepEqual(
          [...held].sort((a, b) => a - b),
          [sent, delivered],
        );
      });
    });

    it('an event behind one that waits behind another node is not claimed (order holds through the chain)', async () => {
      const [first, second, third] = await events('msg_c', 'msg_c', 'msg_c');
      await sql`UPDATE events SET lease_owner = 'node-other', lease_until = ${Date.now() + LEASE_MS}
        WHERE seq = ${first}`.execute(store.db);
      const held = await claimEvents(store, lease(), Date.now(), [second!, third!]);
      assert.deepEqual(
        [...held],
        [],
        'a later event was claimed while an earlier one waits for another node',
      );
      const page = await claimPendingEventsOfAccount(store, lease(), Date.now(), ACCOUNT, 0, 100);
      assert.deepEqual(page.events, []);
    });

    it('events this node holds already do not hold back the ones after them', async () => {
      const [sent, delivered] = await events('msg_d', 'msg_d');
      assert.deepEqual([...(await claimEvents(store, lease(), Date.now(), [sent!]))], [sent]);
      // Its row locked (a renewal or an outcome write of this node): still this node's, no lock needed.
      const release = await lockRow(sent!);
      try {
        assert.deepEqual([...(await claimEvents(store, lease(), Date.now(), [delivered!]))], [delivered]);
        const page = await claimPendingEventsOfAccount(store, lease(), Date.now(), ACCOUNT, 0, 100);
        assert.deepEqual(
          page.events.map((e) => e.seq),
          [sent, delivered],
        );
      } finally {
        await release();
      }
    });

    it('a page reports where the next one starts when it is full', async () => {
      const seqs = await events('msg_e', 'msg_f', 'msg_g');
      const page = await claimPendingEventsOfAccount(store, lease(), Date.now(), ACCOUNT, 0, 2);
      assert.deepEqual(
        page.events.map((e) => e.seq),
        seqs.slice(0, 2),
      );
      assert.equal(page.full, true);
      assert.equal(page.lastSeq, seqs[1]);
    });
  },
  describe,
);
