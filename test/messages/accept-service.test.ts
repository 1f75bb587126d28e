import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BackpressureError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import type { Gateway } from '../../src/gateway.js';
import { AcceptService } from '../../src/messages/accept-service.js';
import { SendPreparer } from '../../src/messages/send-preparer.js';
import { findMessage } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';

await describeEachDatabase(
  'accept service group commit',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let preparer: SendPreparer;
    let accept: AcceptService;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      // The gateway's own parts, driven directly: the group commit without a route in front.
      preparer = new SendPreparer(gateway.router, gateway.optOuts, gateway.config);
      accept = new AcceptService(
        store,
        gateway.dispatcher,
        gateway.config,
        createLogger('silent'),
        gateway.limits,
        gateway.prices,
        gateway.senderNumbers,
        { owner: 'local', ms: 30_000 },
      );
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('a request the store refuses fails alone; the requests sharing its transaction are stored', async () => {
      const first = preparer.prepare('admin', { to: ['+447911123456'], text: 'first' });
      await accept.commit(first);
      // The same prepared send again: its message id already exists, so the database refuses it.
      const duplicate = first;
      const good = preparer.prepare('admin', { to: ['+447911123457'], text: 'good' });
      const good2 = preparer.prepare('admin', { to: ['+447911123458'], text: 'good too' });
      const results = await Promise.allSettled([
        accept.commit(good),
        accept.commit(duplicate),
        accept.commit(good2),
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
