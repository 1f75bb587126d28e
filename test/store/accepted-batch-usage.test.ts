import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LimitRefusal, storeAcceptedBatch } from '../../src/store/queries/accepted-batch.js';
import { findUsage, usagePeriod } from '../../src/store/queries/account-usage.js';
import { findAccount, insertAccount, updateAccount } from '../../src/store/queries/accounts.js';
import { findMessage } from '../../src/store/queries/messages-read.js';
import { acceptedUnit } from '../helpers/accepted-units.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';

/**
 * The accept batch counts usage and takes prepaid debits in the same transaction as the messages.
 * On PostgreSQL they are summed per account (one statement each, not one per request); these
 * checks hold on both stores: the sums are right, and a batch whose sum passes a limit stores
 * nothing at all.
 */
await describeEachDatabase(
  'accepted batch usage and debits',
  (db) => {
    let store: TestStore;
    const period = usagePeriod(Date.now());

    before(async () => {
      store = await db.open();
      const now = Date.now();
      for (const id of ['acct_a', 'acct_b', 'acct_prepaid']) {
        await insertAccount(store, {
          id,
          name: id,
          role: 'client',
          tenant_id: null,
          created_at: now,
          disabled_at: null,
        });
      }
      await updateAccount(store, 'acct_prepaid', { balance_micros: 1_000 });
    });
    after(async () => {
      await store.destroy();
    });

    it('adds every request of a batch to its own account, several accounts in one batch', async () => {
      const batch = [
        acceptedUnit('acct_b', 2, null),
        acceptedUnit('acct_a', 3, null),
        acceptedUnit('acct_b', 4, null),
      ];
      await storeAcceptedBatch(store, batch);
      assert.equal(await findUsage(store, 'acct_a', period), 3);
      assert.equal(await findUsage(store, 'acct_b', period), 6);
      for (const u of batch) assert.ok(await findMessage(store, u.accountId, u.id), 'message stored');
    });

    it('refuses a batch whose sum passes the quota though each request fits, and stores none of it', async () => {
      const before = await findUsage(store, 'acct_a', period);
      const quota = before + 10;
      const batch = [acceptedUnit('acct_a', 6, quota), acceptedUnit('acct_a', 6, quota)];
      await assert.rejects(storeAcceptedBatch(store, batch), (error: unknown) => {
        assert.ok(error instanceof LimitRefusal);
        assert.equal(error.limit, 'quota');
        return true;
      });
      assert.equal(await findUsage(store, 'acct_a', period), before);
      for (const u of batch) assert.equal(await findMessage(store, u.accountId, u.id), undefined);
      // Written alone, as the accept service retries a refused batch: the first fits, the second not.
      await storeAcceptedBatch(store, [batch[0]!]);
      await assert.rejects(storeAcceptedBatch(store, [batch[1]!]), LimitRefusal);
      assert.equal(await findUsage(store, 'acct_a', period), before + 6);
    });

    it('takes the summed debit, and refuses a batch that would overdraw with nothing taken', async () => {
      await storeAcceptedBatch(store, [
        acceptedUnit('acct_prepaid', 1, null, 300),
        acceptedUnit('acct_prepaid', 1, null, 200),
      ]);
      assert.equal((await findAccount(store, 'acct_prepaid'))?.balance_micros, 500);
      const overdraw = [
        acceptedUnit('acct_prepaid', 1, null, 300),
        acceptedUnit('acct_prepaid', 1, null, 300),
      ];
      await assert.rejects(storeAcceptedBatch(store, overdraw), (error: unknown) => {
        assert.ok(error instanceof LimitRefusal);
        assert.equal(error.limit, 'balance');
        return true;
      });
      assert.equal((await findAccount(store, 'acct_prepaid'))?.balance_micros, 500);
      for (const u of overdraw) assert.equal(await findMessage(store, u.accountId, u.id), undefined);
    });
  },
  describe,
);
