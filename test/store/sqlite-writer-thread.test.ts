// SQLite writes on a thread of their own (`sqlite.writerThread`, src/store/sqlite-writer/): the
// thread's connection writes, the main thread's reads, and what crosses between them keeps its
// meaning: results, SQLite's error codes, limit refusals, Kysely transactions, and a close.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrateToLatest, openStore, type Store } from '../../src/store/open-store.js';
import { LimitRefusal, storeAcceptedBatch } from '../../src/store/queries/accepted-batch.js';
import { findUsage, usagePeriod } from '../../src/store/queries/account-usage.js';
import { findAccount, insertAccount } from '../../src/store/queries/accounts.js';
import { findMessage } from '../../src/store/queries/messages-read.js';
import { acceptedUnit } from '../helpers/accepted-units.js';

const period = usagePeriod(Date.now());

const account = (id: string) => ({
  id,
  name: id,
  role: 'client' as const,
  tenant_id: null,
  created_at: Date.now(),
  disabled_at: null,
});

/** A turn of the event loop, several times over: time for a write that could go through to do so. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('SQLite writer thread', () => {
  let dir: string;
  let file: string;
  let store: Store;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smsgate-writer-thread-'));
    file = join(dir, 'smsgate.db');
    store = await openStore({ sqliteFile: file, sqliteWriterThread: true });
    await migrateToLatest(store);
    await insertAccount(store, account('acct_w'));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes on the thread and reads what it committed on this one', async () => {
    assert.ok(store.sqliteWriter, 'a writer');
    assert.equal((await findAccount(store, 'acct_w'))?.name, 'acct_w');
    const u = acceptedUnit('acct_w', 2, null);
    await storeAcceptedBatch(store, [u]);
    assert.equal((await findMessage(store, 'acct_w', u.id))?.id, u.id);
    // The main thread's own connection sees the commit too: no write of it is pending there.
    const row = store.sqlite!.prepare('SELECT count(*) AS n FROM messages WHERE id = ?').get(u.id);
    assert.deepEqual(row, { n: 1 });
  });

  it('brings a limit refusal back as a LimitRefusal, and stores nothing of the batch', async () => {
    const before = await findUsage(store, 'acct_w', period);
    const refused = acceptedUnit('acct_w', 5, before + 4);
    await assert.rejects(storeAcceptedBatch(store, [refused]), (error: unknown) => {
      assert.ok(error instanceof LimitRefusal);
      assert.equal(error.accountId, 'acct_w');
      assert.equal(error.limit, 'quota');
      return true;
    });
    assert.equal(await findMessage(store, 'acct_w', refused.id), undefined);
    assert.equal(await findUsage(store, 'acct_w', period), before);
  });

  it("brings SQLite's error code back, and the failed write changes nothing", async () => {
    await assert.rejects(insertAccount(store, account('acct_w')), (error: unknown) => {
      assert.match(String((error as { code?: string }).code), /^SQLITE_CONSTRAINT/);
      return true;
    });
    const u = acceptedUnit('acct_w', 1, null);
    await storeAcceptedBatch(store, [u]);
    await assert.rejects(storeAcceptedBatch(store, [u]), /UNIQUE|PRIMARY/i);
    const count = store.sqlite!.prepare('SELECT count(*) AS n FROM messages WHERE id = ?').get(u.id);
    assert.deepEqual(count, { n: 1 });
  });

  it('holds a hot write asked for during a Kysely transaction until the transaction ends', async () => {
    const u = acceptedUnit('acct_w', 1, null);
    let stored = false;
    let pending: Promise<void> | undefined;
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('accounts').values(account('acct_in_trx')).execute();
      pending = storeAcceptedBatch(store, [u]).then(() => {
        stored = true;
      });
      await turns();
      assert.equal(stored, false, 'not inside the open transaction');
      // Reads outside the transaction do not see its rows before the commit.
      assert.equal(await findAccount(store, 'acct_in_trx'), undefined);
    });
    await pending;
    assert.equal(stored, true);
    assert.ok(await findAccount(store, 'acct_in_trx'));
    assert.ok(await findMessage(store, 'acct_w', u.id));
  });

  it('rolls a failed Kysely transaction back whole, and writes after it still go through', async () => {
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('accounts').values(account('acct_rolled_back')).execute();
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal(await findAccount(store, 'acct_rolled_back'), undefined);
    const u = acceptedUnit('acct_w', 1, null);
    await storeAcceptedBatch(store, [u]);
    assert.ok(await findMessage(store, 'acct_w', u.id));
  });

  it('commits the writes asked for before a close', async () => {
    const other = await openStore({ sqliteFile: join(dir, 'closing.db'), sqliteWriterThread: true });
    await migrateToLatest(other);
    await insertAccount(other, account('acct_c'));
    const u = acceptedUnit('acct_c', 1, null);
    const write = storeAcceptedBatch(other, [u]);
    await other.close();
    await write;
    const reopened = await openStore({ sqliteFile: join(dir, 'closing.db') });
    try {
      assert.ok(await findMessage(reopened, 'acct_c', u.id));
    } finally {
      await reopened.close();
    }
  });
});
