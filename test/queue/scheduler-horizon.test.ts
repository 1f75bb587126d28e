/**
 * Messages scheduled beyond the scheduler's horizon are not held in memory at accept: the store
 * holds them, and the scheduler reads them back one horizon ahead. A short horizon (300 ms) makes
 * that path the only one that can release them.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { findHistory, findMessage } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

const HORIZON_MS = 300;

await describeEachDatabase(
  'scheduler horizon',
  (db) => {
    let store: TestStore;
    let gateway: Gateway | undefined;
    beforeEach(async () => {
      store = await db.open();
    });
    afterEach(async () => {
      await gateway?.stop(false);
      gateway = undefined;
      await store.destroy();
    });

    it('releases messages scheduled beyond the horizon from the store, in due order, none early', async () => {
      const gw = await startTestGateway(store, { schedulerHorizonMs: HORIZON_MS });
      gateway = gw;
      // Seconds past the horizon, so even a slow accept leaves them beyond it; given out of order.
      const base = Date.now() + 4000;
      const offsets = [900, 0, 1800, 300, 1200];
      const scheduled: { id: string; at: number }[] = [];
      for (const [i, offset] of offsets.entries()) {
        const at = base + offset;
        const response = await gw.http.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: ADMIN_AUTH,
          payload: {
            to: `+4479111${String(41000 + i)}`,
            text: `later ${i}`,
            scheduleAt: new Date(at).toISOString(),
          },
        });
        assert.equal(response.statusCode, 202, response.body);
        scheduled.push({ id: response.json().messages[0].id, at });
      }
      assert.equal(gw.dispatcher.stats().scheduled, 0, 'nothing beyond the horizon is held in memory');
      for (const { id } of scheduled)
        assert.equal((await findMessage(store, 'admin', id))?.status, 'scheduled');

      const released: { id: string; at: number; queuedAt: number }[] = [];
      for (const { id, at } of scheduled) {
        await waitFor(
          async () => ((await findMessage(store, 'admin', id))?.status === 'delivered' ? true : undefined),
          30_000,
        );
        const history = await findHistory(store, id);
        assert.deepEqual(
          history.map((h) => h.status),
          ['scheduled', 'queued', 'sending', 'sent', 'delivered'],
        );
        assert.equal(history[1]!.detail, 'scheduled time reached');
        assert.ok(history[1]!.at >= at, `${id} released ${at - history[1]!.at} ms before its time`);
        released.push({ id, at, queuedAt: history[1]!.at });
      }
      const byDue = [...released].sort((a, b) => a.at - b.at).map((r) => r.id);
      const byRelease = [...released].sort((a, b) => a.queuedAt - b.queuedAt).map((r) => r.id);
      assert.deepEqual(byRelease, byDue, 'released in the order they fall due');
    });
  },
  describe,
);
