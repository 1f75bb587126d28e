import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newMessageId } from '../../src/core/ids.js';
import type { Gateway } from '../../src/gateway.js';
import { ReceiptTracker } from '../../src/queue/receipt-tracker.js';
import { StatusWriter } from '../../src/queue/status-writer.js';
import type { Store } from '../../src/store/open-store.js';
import { insertMessages } from '../../src/store/queries/messages-insert.js';
import { countByStatus, findHistory, findMessage, findParts } from '../../src/store/queries/messages-read.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { messageRow } from '../helpers/message-rows.js';

async function send(gateway: Gateway, body: Record<string, unknown>): Promise<string[]> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: ADMIN_AUTH,
    payload: body,
  });
  assert.equal(response.statusCode, 202, response.body);
  return (response.json().messages as { id: string }[]).map((m) => m.id);
}

async function statusOf(store: Store, id: string): Promise<string | undefined> {
  return (await findMessage(store, 'admin', id))?.status;
}

async function waitForStatuses(
  store: Store,
  expected: Record<string, number>,
  timeoutMs = 20_000,
): Promise<void> {
  await waitFor(
    async () => {
      const counts = await countByStatus(store);
      return Object.entries(expected).every(([status, n]) => counts[status] === n) ? true : undefined;
    },
    timeoutMs,
    `statuses ${JSON.stringify(expected)}`,
  );
}

function numbers(count: number, start = 1000): string[] {
  return Array.from({ length: count }, (_, i) => `+4479111${String(start + i).padStart(5, '0')}`);
}

await describeEachDatabase(
  'dispatcher',
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

    it('delivers many concurrent sends, each exactly once', async () => {
      gateway = await startTestGateway(store);
      const requests = numbers(300).map((to, i) =>
        send(gateway!, {
          to,
          text: `message ${i}`,
          priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4],
        }),
      );
      const ids = (await Promise.all(requests)).flat();
      assert.equal(new Set(ids).size, 300);
      await waitForStatuses(store, { delivered: 300 });
      for (const id of ids.slice(0, 20)) {
        assert.deepEqual(
          (await findHistory(store, id)).map((h) => h.status),
          ['queued', 'sending', 'sent', 'delivered'],
        );
      }
    });

    it('keeps at most maxInMemory messages in memory and reads the rest back from the store', async () => {
      gateway = await startTestGateway(store, {
        config: {
          queue: { maxInMemory: 100 },
          connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 1, window: 10 }],
        },
      });
      let peak = 0;
      let sawBacklog = false;
      const sampler = setInterval(() => {
        const stats = gateway!.dispatcher.stats();
        peak = Math.max(peak, stats.inMemory);
        sawBacklog ||= stats.backlog;
      }, 1);
      try {
        const batches = Array.from({ length: 10 }, (_, b) =>
          send(gateway!, { to: numbers(100, 1000 + b * 100), text: 'bulk' }),
        );
        await Promise.all(batches);
        await waitForStatuses(store, { delivered: 1000 }, 60_000);
      } finally {
        clearInterval(sampler);
      }
      assert.ok(peak <= 100, `peak in memory ${peak}`);
      assert.ok(sawBacklog, 'the dispatcher should have had to read messages back from the store');
      const submittedTwice = await store.db
        .selectFrom('message_history')
        .select(['message_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'sending')
        .groupBy('message_id')
        .having((eb) => eb.fn.countAll(), '>', 1)
        .execute();
      assert.deepEqual(submittedTwice, [], 'no message is submitted twice');
      assert.equal(gateway.dispatcher.stats().unsent, 0);
    });

    it('retries with backoff and fails after maxAttempts', async () => {
      gateway = await startTestGateway(store, {
        config: {
          queue: { maxAttempts: 3 },
          connectors: [
            {
              name: 'sim',
              type: 'sim',
              receiptDelayMs: 1,
              rules: [{ suffix: '9999', outcome: 'throttled', times: 50 }],
            },
          ],
        },
      });
      const [id] = await send(gateway, { to: '+447911129999', text: 'never gets through' });
      await waitFor(async () => ((await statusOf(store, id!)) === 'failed' ? true : undefined));
      const history = await findHistory(store, id!);
      assert.deepEqual(
        history.map((h) => h.status),
        ['queued', 'sending', 'queued', 'sending', 'queued', 'sending', 'failed'],
      );
      assert.equal(history.at(-1)!.code, 'ESME_RTHROTTLED');
      assert.match(history.at(-1)!.detail ?? '', /gave up after 3 attempts/);
      const row = await findMessage(store, 'admin', id!);
      assert.equal(row?.attempts, 3);
      assert.equal(gateway.dispatcher.stats().unsent, 0);
    });

    it('expires a message whose validity ends before the next attempt', async () => {
      gateway = await startTestGateway(store, {
        config: {
          queue: { retryBaseMs: 5_000, retryMaxMs: 5_000 },
          connectors: [
            {
              name: 'sim',
              type: 'sim',
              receiptDelayMs: 1,
              rules: [{ suffix: '9999', outcome: 'throttled', times: 50 }],
            },
          ],
        },
      });
      const [id] = await send(gateway, { to: '+447911129999', text: 'short-lived', validitySeconds: 1 });
      await waitFor(async () => ((await statusOf(store, id!)) === 'expired' ? true : undefined));
      assert.match((await findMessage(store, 'admin', id!))?.last_detail ?? '', /validity period ends/);
    });

    it('releases a scheduled message when it is due', async () => {
      gateway = await startTestGateway(store);
      const at = new Date(Date.now() + 2000).toISOString();
      const [id] = await send(gateway, { to: '+447911123456', text: 'later', scheduleAt: at });
      assert.equal(await statusOf(store, id!), 'scheduled');
      await waitFor(async () => ((await statusOf(store, id!)) === 'delivered' ? true : undefined));
      const history = await findHistory(store, id!);
      assert.deepEqual(
        history.map((h) => h.status),
        ['scheduled', 'queued', 'sending', 'sent', 'delivered'],
      );
      assert.ok(history[2]!.at >= Date.parse(at));
    });

    it('splits a long text into segments and delivers when every segment is delivered', async () => {
      gateway = await startTestGateway(store);
      const [id] = await send(gateway, { to: '+447911123456', text: 'x'.repeat(400) });
      await waitFor(async () => ((await statusOf(store, id!)) === 'delivered' ? true : undefined));
      const parts = await findParts(store, id!);
      assert.equal(parts.length, 3);
      assert.deepEqual(
        parts.map((p) => p.status),
        ['delivered', 'delivered', 'delivered'],
      );
      assert.equal(new Set(parts.map((p) => p.upstream_id)).size, 3);
    });

    it('recovers after a restart: resubmits what was mid-send, re-arms receipts, releases scheduled', async () => {
      gateway = await startTestGateway(store);
      const scheduledAt = new Date(Date.now() + 1500).toISOString();
      const [scheduledId] = await send(gateway, {
        to: '+447911123456',
        text: 'scheduled',
        scheduleAt: scheduledAt,
      });
      await gateway.stop(false);
      gateway = undefined;

      // What a crash leaves behind: one message mid-submission, one sent and waiting for its receipt.
      const now = Date.now();
      const sendingId = newMessageId();
      const sentId = newMessageId();
      await store.db.transaction().execute(async (trx) => {
        await insertMessages(
          trx,
          [
            messageRow({ id: sendingId, account_id: 'admin', body: 'crash', status: 'sending', attempts: 1 }),
            messageRow({
              id: sentId,
              account_id: 'admin',
              body: 'crash',
              status: 'sent',
              attempts: 1,
              sent_at: now,
            }),
          ],
          [],
        );
        await trx
          .insertInto('message_parts')
          .values({
            message_id: sentId,
            part_index: 0,
            connector: 'sim',
            upstream_id: 'sim-before-crash',
            status: 'sent',
            code: null,
            updated_at: now,
          })
          .execute();
      });

      const reopened = await store.reopen();
      try {
        gateway = await startTestGateway(reopened);
        await waitFor(async () => {
          const statuses = await Promise.all(
            [sendingId, sentId, scheduledId!].map((id) => statusOf(store, id)),
          );
          return statuses.every((s) => s === 'delivered') ? true : undefined;
        });
        assert.deepEqual(
          (await findHistory(store, sendingId)).map((h) => h.status),
          ['queued', 'sending', 'sent', 'delivered'],
        );
        assert.match((await findHistory(store, sendingId))[0]!.detail ?? '', /requeued after restart/);
        assert.equal(gateway.dispatcher.stats().unsent, 0);
      } finally {
        await gateway?.stop(false);
        gateway = undefined;
        await reopened.close();
      }
    });

    it('refuses new messages with 503 when the queue is full', async () => {
      gateway = await startTestGateway(store, { config: { queue: { maxQueued: 5 } } });
      const later = new Date(Date.now() + 3_600_000).toISOString();
      await send(gateway, { to: numbers(5), text: 'fills the queue', scheduleAt: later });
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: '+447911123456', text: 'one too many' },
      });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().error.code, 'queue_full');
      assert.equal(response.headers['retry-after'], '5');
      assert.deepEqual(await countByStatus(store), { scheduled: 5 });
    });
  },
  describe,
);

await describeEachDatabase(
  'receipt matching',
  (db) => {
    let store: TestStore;
    let writer: StatusWriter;
    beforeEach(async () => {
      store = await db.open();
      writer = new StatusWriter(store);
    });
    afterEach(async () => {
      await writer.idle();
      await store.destroy();
    });

    async function sentMessage(segments: number): Promise<string> {
      const id = newMessageId();
      const now = Date.now();
      await store.db.transaction().execute((trx) =>
        insertMessages(
          trx,
          [
            messageRow({
              id,
              account_id: 'a',
              body: 'x',
              segments,
              status: 'sent',
              connector: 'c',
              attempts: 1,
              expires_at: now + 60_000,
              sent_at: now,
            }),
          ],
          [],
        ),
      );
      return id;
    }

    const receipt = (upstreamId: string, state: 'delivered' | 'undelivered' | 'enroute') => ({
      connector: 'c',
      upstreamId,
      state,
      rawCode: `stat:${state}`,
      detail: null,
      at: Date.now(),
    });

    it('fails a multi-segment message as soon as one segment fails', async () => {
      const tracker = new ReceiptTracker(store, writer);
      const id = await sentMessage(3);
      tracker.register('c', id, ['A', 'B', 'C']);
      await writer.record({
        id,
        status: 'sent',
        at: Date.now(),
        transition: false,
        newParts: ['A', 'B', 'C'].map((u, index) => ({ index, connector: 'c', upstreamId: u })),
      });
      await tracker.handle(receipt('A', 'delivered'));
      assert.equal(await statusOf2(store, id), 'sent');
      await tracker.handle(receipt('B', 'enroute'));
      assert.equal(await statusOf2(store, id), 'sent');
      await tracker.handle(receipt('C', 'undelivered'));
      assert.equal(await statusOf2(store, id), 'undelivered');
      await tracker.handle(receipt('B', 'delivered'));
      assert.equal(await statusOf2(store, id), 'undelivered');
      assert.deepEqual(
        (await findParts(store, id)).map((p) => p.status),
        ['delivered', 'delivered', 'undelivered'],
      );
    });

    it('matches a receipt that arrives before its submission is recorded', async () => {
      const tracker = new ReceiptTracker(store, writer, { earlyReceiptWaitMs: 5_000 });
      const id = await sentMessage(1);
      const handled = tracker.handle(receipt('EARLY', 'delivered'));
      // Forced, not hoped for: the submission is registered only once the receipt has missed
      // memory and the store and is waiting for it.
      await waitFor(() => (tracker.waitingReceipts === 1 ? true : undefined), 10_000, 'the receipt waiting');
      assert.equal(await statusOf2(store, id), 'sent');
      tracker.register('c', id, ['EARLY']);
      await handled;
      await writer.idle();
      assert.equal(await statusOf2(store, id), 'delivered');
    });

    it('matches receipts through the store after a restart (nothing in memory)', async () => {
      const id = await sentMessage(1);
      await writer.record({
        id,
        status: 'sent',
        at: Date.now(),
        transition: false,
        newParts: [{ index: 0, connector: 'c', upstreamId: 'OLD' }],
      });
      const fresh = new ReceiptTracker(store, writer);
      await fresh.handle(receipt('OLD', 'delivered'));
      assert.equal(await statusOf2(store, id), 'delivered');
    });

    it('lets a submission recorded after its receipt was kept as unmatched still claim it', async () => {
      const tracker = new ReceiptTracker(store, writer, { earlyReceiptWaitMs: 20 });
      const id = await sentMessage(1);
      await tracker.handle(receipt('LATE', 'delivered'));
      assert.equal((await store.db.selectFrom('unmatched_receipts').selectAll().execute()).length, 1);
      await writer.record({
        id,
        status: 'sent',
        at: Date.now(),
        transition: false,
        newParts: [{ index: 0, connector: 'c', upstreamId: 'LATE' }],
      });
      tracker.register('c', id, ['LATE']);
      await waitFor(async () => ((await statusOf2(store, id)) === 'delivered' ? true : undefined));
      await waitFor(async () =>
        (await store.db.selectFrom('unmatched_receipts').selectAll().execute()).length === 0
          ? true
          : undefined,
      );
    });

    it('keeps a receipt that matches nothing instead of dropping it', async () => {
      const tracker = new ReceiptTracker(store, writer, { earlyReceiptWaitMs: 30 });
      await tracker.handle(receipt('NOBODY', 'delivered'));
      const rows = await store.db.selectFrom('unmatched_receipts').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.upstream_id, 'NOBODY');
      assert.equal(rows[0]!.code, 'stat:delivered');
    });
  },
  describe,
);

async function statusOf2(store: Store, id: string): Promise<string | undefined> {
  return (await store.db.selectFrom('messages').select('status').where('id', '=', id).executeTakeFirst())
    ?.status;
}
