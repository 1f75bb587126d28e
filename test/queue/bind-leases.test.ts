/**
 * Bind slots shared over the nodes on one database (queue/bind-leases.ts): a connector configured
 * for N binds holds N across the cluster; each live node keeps its fair share; a slot given up is
 * closed before it is freed; a dead node's slots are taken over once their lease lapses. Each node
 * here is a BindLeases with its own store handle, as two processes would have.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BindLeases } from '../../src/queue/bind-leases.js';
import type { Store } from '../../src/store/open-store.js';
import { listLeases } from '../../src/store/queries/named-leases.js';
import { describeEachDatabase, describePostgres, type TestStore } from '../helpers/databases.js';
import { captureLogs } from '../helpers/log-capture.js';

/** A short lease: the only timing here; the code's renewal period is a third of it. */
const LEASE_MS = 400;

function node(store: Store, owner: string, connector = 'smsc', count = 2) {
  const leases = new BindLeases(store, { owner, ms: LEASE_MS }, captureLogs('error').logger);
  const changes: number[][] = [];
  let current: number[] = [];
  return {
    leases,
    changes,
    held: () => current,
    join: (onChange?: (held: number[]) => Promise<void> | void) =>
      leases.join(connector, count, async (held) => {
        current = [...held].sort((a, b) => a - b);
        changes.push(current);
        await onChange?.(current);
      }),
  };
}

const holders = async (store: Store) =>
  Object.fromEntries((await listLeases(store, 'bind:')).map((lease) => [lease.name, lease.owner]));

await describeEachDatabase(
  'bind slots, one node',
  (db) => {
    let store: TestStore;
    before(async () => {
      store = await db.open();
    });
    after(() => store.destroy());

    it('holds every slot alone, takes its own slots back at once after a restart, and frees them on leave', async () => {
      const first = node(store, 'local');
      await first.leases.start();
      await first.join();
      assert.deepEqual(first.held(), [0, 1]);
      assert.deepEqual(await holders(store), { 'bind:smsc:0': 'local', 'bind:smsc:1': 'local' });
      // A crash: the process is gone without giving anything up. The next start has the same
      // name (SQLite's node is always `local`) and must not wait a lease for its own binds.
      await first.leases.stop();
      const restarted = node(store, 'local');
      await restarted.leases.start();
      await restarted.join();
      assert.deepEqual(restarted.held(), [0, 1]);
      await restarted.leases.leave('smsc');
      await restarted.leases.stop();
      assert.deepEqual(await holders(store), {});
    });
  },
  describe,
);

await describePostgres(
  'bind slots over several nodes',
  (db) => {
    let storeA: TestStore;
    let storeB: Store;
    let storeC: Store;
    before(async () => {
      storeA = await db.open();
      storeB = await storeA.reopen();
      storeC = await storeA.reopen();
    });
    after(async () => {
      await storeC.close();
      await storeB.close();
      await storeA.destroy();
    });

    it('balances the slots over the live nodes, closing a bind before its slot is free', async () => {
      const a = node(storeA, 'A');
      const b = node(storeB, 'B');
      // While A closes a bind it gives up (its onChange), the store must still say the slot is A's.
      let ownerWhileClosing: string | undefined;
      await a.leases.start();
      await a.join(async (held) => {
        if (held.length === 1) ownerWhileClosing = (await holders(storeC))['bind:smsc:1'];
      });
      assert.deepEqual(a.held(), [0, 1], 'the only node takes every slot');
      await b.leases.start();
      await b.join();
      assert.deepEqual(b.held(), [], 'nothing free for the second node yet');

      // A's next round sees two live nodes: its fair share is one slot; it gives slot 1 up.
      await a.leases.tick();
      assert.deepEqual(a.held(), [0], 'A keeps its share');
      assert.equal(ownerWhileClosing, 'A', 'the slot stays A\u2019s until its bind is closed');
      assert.equal((await holders(storeC))['bind:smsc:1'], undefined, 'then it is free');

      await b.leases.tick();
      assert.deepEqual(b.held(), [1], 'B takes the freed slot');
      assert.deepEqual(await holders(storeC), { 'bind:smsc:0': 'A', 'bind:smsc:1': 'B' });

      // A dies: no leave, no stop of its lease; its renewals end.
      await a.leases.stop().catch(() => {});
      const aliveUntil = Date.now() + LEASE_MS;
      await b.leases.tick();
      if (Date.now() < aliveUntil) {
        assert.deepEqual(b.held(), [1], 'A\u2019s slot is not taken while its lease runs');
      }
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 50));
      await b.leases.tick();
      assert.deepEqual(b.held(), [0, 1], 'B takes the dead node\u2019s slot over');
      await b.leases.leave('smsc');
      await b.leases.stop();
    });

    it('two nodes joining at once never hold the same slot', async () => {
      for (let round = 0; round < 5; round++) {
        const connector = `race${round}`;
        const x = node(storeB, 'X', connector, 3);
        const y = node(storeC, 'Y', connector, 3);
        await Promise.all([x.leases.start(), y.leases.start()]);
        await Promise.all([x.join(), y.join()]);
        await Promise.all([x.leases.tick(), y.leases.tick()]);
        await Promise.all([x.leases.tick(), y.leases.tick()]);
        const both = x.held().filter((slot) => y.held().includes(slot));
        assert.deepEqual(both, [], `round ${round}: no slot held by both`);
        assert.equal(x.held().length + y.held().length, 3, `round ${round}: every slot held`);
        const stored = Object.entries(await holders(storeA)).filter(([name]) =>
          name.startsWith(`bind:${connector}:`),
        );
        assert.equal(stored.length, 3);
        for (const [name, owner] of stored) {
          const slot = Number(name.split(':')[2]);
          assert.ok((owner === 'X' ? x : y).held().includes(slot), `${name} held by ${owner} as stored`);
        }
        await Promise.all([x.leases.leave(connector), y.leases.leave(connector)]);
        await Promise.all([x.leases.stop(), y.leases.stop()]);
      }
    });
  },
  describe,
);
