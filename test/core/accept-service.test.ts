import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BackpressureError } from '../../src/core/errors.js';
import type { Gateway } from '../../src/gateway.js';
import { findMessage } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';

await describeEachDatabase(
  'accept service group commit',
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

    it('a request the store refuses fails alone; the requests sharing its transaction are stored', async () => {
      const first = gateway.accept.prepare('admin', { to: ['+447911123456'], text: 'first' });
      await gateway.accept.commit(first);
      // The same prepared send again: its message id already exists, so the database refuses it.
      const duplicate = first;
      const good = gateway.accept.prepare('admin', { to: ['+447911123457'], text: 'good' });
      const good2 = gateway.accept.prepare('admin', { to: ['+447911123458'], text: 'good too' });
      const results = await Promise.allSettled([
        gateway.accept.commit(good),
        gateway.accept.commit(duplicate),
        gateway.accept.commit(good2),
      ]);
      assert.equal(results[0].status, 'fulfilled');
      assert.equal(results[2].status, 'fulfilled');
      assert.equal(results[1].status, 'rejected');
      const reason = (results[1] as PromiseRejectedResult).reason;
      assert.ok(reason instanceof BackpressureError, String(reason));
      assert.equal(reason.code, 'store_unavailable');
      for (const prepared of [good, good2]) {
        assert.ok(await findMessage(store, 'admin', prepared.messages[0]!.id), 'good request stored');
      }
    });
  },
  describe,
);
