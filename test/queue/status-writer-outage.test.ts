/**
 * The status writer while the store is away: a change is a fact (an upstream took the message, a
 * receipt came), so a flush the store refuses is written again once it is back, and the flushes
 * recorded after it wait their turn — the message's history and events keep their order, and the
 * message is never left `sending` with nobody holding it (it would be submitted again). The store
 * is a real SQLite file locked by another connection (what a backup or an operator's sqlite3
 * does), with the shipped busy_timeout and retry waits.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/core/logger.js';
import { StatusWriter } from '../../src/queue/status-writer.js';
import { insertMessages } from '../../src/store/queries/messages-insert.js';
import { findHistory } from '../../src/store/queries/messages-read.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { waitFor } from '../helpers/gateway.js';
import { messageRow } from '../helpers/message-rows.js';

const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;

describe('the status writer while the SQLite store is locked by another process', () => {
  let store: TestStore;
  const logLines: { level: number; msg: string }[] = [];
  before(async () => {
    store = await sqlite.open();
  });
  after(() => store.destroy());

  function writerWithLog(): StatusWriter {
    const stream = new PassThrough();
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) logLines.push(JSON.parse(line));
    });
    return new StatusWriter(store, createLogger('info', stream));
  }

  async function sendingMessage(writer: StatusWriter): Promise<string> {
    const row = messageRow({ callback_url: 'https://hooks.example.com/sms' });
    await store.db.transaction().execute((trx) => insertMessages(trx, [row], []));
    const id = row.id as string;
    assert.equal(
      await writer.record({ id, status: 'sending', at: Date.now(), attempts: 1, connector: 'sim' }),
      true,
    );
    return id;
  }

  function lockStore(): () => void {
    const holder = new Database(store.location);
    holder.exec('BEGIN EXCLUSIVE');
    return () => {
      holder.exec('COMMIT');
      holder.close();
    };
  }

  it('writes a refused flush again once the lock is gone; the changes after it follow it, in order', async () => {
    const writer = writerWithLog();
    const id = await sendingMessage(writer);
    const unlock = lockStore();
    let settled = false;
    const at = Date.now();
    const sent = writer.record({
      id,
      status: 'sent',
      at,
      sentAt: at,
      connector: 'sim',
      newParts: [{ index: 0, connector: 'sim', upstreamId: 'up-1' }],
    });
    void sent.finally(() => {
      settled = true;
    });
    // The first write of `sent` failed (SQLITE_BUSY past busy_timeout): the writer says so once.
    await waitFor(
      () => (logLines.some((l) => l.msg.startsWith('the store refused status changes')) ? true : undefined),
      10_000,
      'the writer noting the refused flush',
    );
    // The receipt comes while `sent` still waits: its flush is the next one.
    const delivered = writer.record({ id, status: 'delivered', at: at + 1, finalAt: at + 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(settled, false, 'the refused flush is neither given up nor stored while the lock lasts');
    unlock();
    assert.deepEqual(await Promise.all([sent, delivered]), [true, true]);
    assert.deepEqual(
      (await findHistory(store, id)).map((h) => h.status),
      ['sending', 'sent', 'delivered'],
    );
    const events = await store.db
      .selectFrom('events')
      .select(['seq', 'status'])
      .where('message_id', '=', id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((e) => e.status),
      ['sent', 'delivered'],
    );
    assert.ok(logLines.some((l) => l.msg === 'status changes are stored again'));
  });

  it('on stop gives a refused flush up after finishWithin, leaving the message as the store has it', async () => {
    const writer = writerWithLog();
    const id = await sendingMessage(writer);
    const unlock = lockStore();
    try {
      writer.finishWithin(500);
      await assert.rejects(
        writer.record({ id, status: 'sent', at: Date.now(), sentAt: Date.now(), connector: 'sim' }),
        (error: { code?: string }) => error.code?.startsWith('SQLITE_BUSY') === true,
      );
    } finally {
      unlock();
    }
    const row = await store.db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'sending', 'taken up from the store at the next start');
  });
});
