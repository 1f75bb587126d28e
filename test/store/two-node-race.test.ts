/**
 * Two nodes on one database race for the same work: each has its own store handle (its own
 * connections), its own status writer and, for balances and quotas, its own gateway with its own
 * in-memory view. The store's guarded SQL must let exactly one of them have each effect.
 * PostgreSQL only: several nodes share PostgreSQL; SQLite is one process per file (enforced at start).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { StatusWriter } from '../../src/queue/status-writer.js';
import type { Store } from '../../src/store/open-store.js';
import { cancelMessage } from '../../src/store/queries/cancel.js';
import { claimReadyMessages } from '../../src/store/queries/message-leases.js';
import { insertMessages } from '../../src/store/queries/messages-insert.js';
import { findHistory } from '../../src/store/queries/messages-read.js';
import { callApi, createAccountApi, expectApi } from '../api/support.js';
import { describePostgres, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { messageRow } from '../helpers/message-rows.js';

const LEASE_MS = 30_000;

await describePostgres(
  'two nodes racing on one database',
  (db) => {
    let storeA: TestStore;
    let storeB: Store;
    before(async () => {
      storeA = await db.open();
      storeB = await storeA.reopen();
    });
    after(async () => {
      await storeB.close();
      await storeA.destroy();
    });

    async function queuedMessages(count: number, accountId = 'acct_race'): Promise<string[]> {
      const rows = Array.from({ length: count }, () => messageRow({ account_id: accountId }));
      await storeA.db.transaction().execute((trx) => insertMessages(trx, rows, []));
      return rows.map((row) => row.id as string);
    }

    it('claims: every ready message is claimed by exactly one node', async () => {
      const ids = new Set(await queuedMessages(400));
      const claimedBy = { A: [] as string[], B: [] as string[] };
      const claimAll = async (store: Store, owner: 'A' | 'B') => {
        // The backlog reader's way: a cursor past what this node already holds.
        let after: { priority: number; id: string } | undefined;
        for (;;) {
          const now = Date.now();
          const rows = await claimReadyMessages(store, { owner, until: now + LEASE_MS }, now, 25, after);
          if (rows.length === 0) return;
          claimedBy[owner].push(...rows.filter((row) => ids.has(row.id)).map((row) => row.id));
          const last = rows[rows.length - 1]!;
          after = { priority: last.priority, id: last.id };
        }
      };
      await Promise.all([claimAll(storeA, 'A'), claimAll(storeB, 'B')]);
      const both = claimedBy.A.filter((id) => claimedBy.B.includes(id));
      assert.deepEqual(both, [], 'no message claimed by both nodes');
      assert.equal(new Set([...claimedBy.A, ...claimedBy.B]).size, ids.size, 'every message claimed');
      assert.equal(claimedBy.A.length + claimedBy.B.length, ids.size, 'none claimed twice by one node');
      assert.ok(claimedBy.A.length > 0 && claimedBy.B.length > 0, 'both nodes took a share');
    });

    it('transitions: two nodes moving one message to different outcomes, exactly one wins', async () => {
      const ids = await queuedMessages(60);
      const writerA = new StatusWriter(storeA);
      const writerB = new StatusWriter(storeB);
      const at = Date.now();
      // Both nodes think they are submitting the message: each records queued → sending.
      const outcomes = await Promise.all(
        ids.flatMap((id) => [
          writerA.record({ id, status: 'sending', at, attempts: 1, connector: 'a' }),
          writerB.record({ id, status: 'sending', at, attempts: 1, connector: 'b' }),
        ]),
      );
      await Promise.all([writerA.idle(), writerB.idle()]);
      for (const [i, id] of ids.entries()) {
        const [a, b] = [outcomes[2 * i], outcomes[2 * i + 1]];
        assert.equal(Number(a) + Number(b), 1, `exactly one node moved ${id} to sending (A ${a}, B ${b})`);
        const history = (await findHistory(storeA, id)).map((h) => h.status);
        assert.deepEqual(history, ['sending'], `one transition stored for ${id}`);
      }
    });

    it('cancel against a submission: each message is either canceled or sending, never both', async () => {
      const ids = await queuedMessages(60);
      const writerB = new StatusWriter(storeB);
      const at = Date.now();
      const [cancels, submits] = await Promise.all([
        Promise.all(ids.map(async (id) => (await cancelMessage(storeA, 'acct_race', id, at)).canceled)),
        Promise.all(ids.map((id) => writerB.record({ id, status: 'sending', at, attempts: 1 }))),
      ]);
      await writerB.idle();
      for (const [i, id] of ids.entries()) {
        assert.equal(Number(cancels[i]) + Number(submits[i]), 1, `one winner for ${id}`);
        const history = (await findHistory(storeA, id)).map((h) => h.status);
        assert.deepEqual(history, [cancels[i] ? 'canceled' : 'sending']);
      }
    });

    describe('balances and quotas, each node with its own gateway and in-memory view', () => {
      let gatewayA: Gateway;
      let gatewayB: Gateway;
      let prepaid: { id: string; key: string };
      let quoted: { id: string; key: string };
      const ADMIN = TEST_ADMIN_KEY;

      before(async () => {
        gatewayA = await startTestGateway(storeA);
        await expectApi(gatewayA, 200, 'PUT', '/v1/prices', ADMIN, { prices: [{ prefix: '+44', price: 1 }] });
        prepaid = await createAccountApi(gatewayA, ADMIN, { name: 'Prepaid client' });
        await expectApi(gatewayA, 200, 'PATCH', `/v1/accounts/${prepaid.id}`, ADMIN, {
          limits: { prepaid: true },
        });
        await expectApi(gatewayA, 200, 'POST', `/v1/accounts/${prepaid.id}/balance`, ADMIN, { amount: 10 });
        quoted = await createAccountApi(gatewayA, ADMIN, { name: 'Quota client' });
        await expectApi(gatewayA, 200, 'PATCH', `/v1/accounts/${quoted.id}`, ADMIN, {
          limits: { monthlySegmentQuota: 10 },
        });
        gatewayB = await startTestGateway(storeB);
      });
      after(async () => {
        await gatewayB.stop(false);
        await gatewayA.stop(false);
      });

      /** 15 single sends through each node at once; the status codes, counted. */
      async function raceSends(key: string): Promise<Record<number, number>> {
        const send = (gateway: Gateway, i: number) =>
          callApi(gateway, 'POST', '/v1/messages', key, { to: `+4479111${String(30000 + i)}`, text: 'race' });
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, i) => send(i % 2 === 0 ? gatewayA : gatewayB, i)),
        );
        const counts: Record<number, number> = {};
        for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
        return counts;
      }

      async function storedCount(accountId: string): Promise<number> {
        const row = await storeA.db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }

      it('a balance covering 10 messages pays for exactly 10, whichever node took them', async () => {
        const counts = await raceSends(prepaid.key);
        assert.deepEqual(counts, { 202: 10, 402: 20 }, JSON.stringify(counts));
        assert.equal(await storedCount(prepaid.id), 10);
        const account = await expectApi(gatewayA, 200, 'GET', `/v1/accounts/${prepaid.id}`, ADMIN);
        assert.equal(account.body.balance, 0, 'never below zero');
      });

      it('a quota of 10 segments admits exactly 10 single-segment messages across both nodes', async () => {
        const counts = await raceSends(quoted.key);
        assert.deepEqual(counts, { 202: 10, 403: 20 }, JSON.stringify(counts));
        assert.equal(await storedCount(quoted.id), 10);
      });

      it('a top-up made on one node lets the other node send at once (it re-reads before refusing)', async () => {
        await expectApi(gatewayA, 200, 'POST', `/v1/accounts/${prepaid.id}/balance`, ADMIN, { amount: 1 });
        const answer = await callApi(gatewayB, 'POST', '/v1/messages', prepaid.key, {
          to: '+447911139999',
          text: 'after the top-up',
        });
        assert.equal(answer.status, 202, answer.text);
      });
    });
  },
  describe,
);
