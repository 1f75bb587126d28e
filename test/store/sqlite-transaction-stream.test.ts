// The shared SQLite transaction stream (src/store/sqlite-writes.ts): writes asked for in one turn
// commit together, and one that throws is rolled back alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { sqliteTransaction } from '../../src/store/sqlite-writes.js';

function open() {
  const sqlite = new Database(':memory:');
  sqlite.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
  return sqlite;
}

test('writes asked for in the same turn share one commit', async () => {
  const sqlite = open();
  let commits = 0;
  const outerSeen: boolean[] = [];
  const write = (v: number) => () => {
    outerSeen.push(sqlite.inTransaction);
    sqlite.prepare('INSERT INTO t (v) VALUES (?)').run(v);
    return v;
  };
  // Count the outer (BEGIN IMMEDIATE) transactions: nested ones run as savepoints.
  const original = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: () => unknown) => {
    const wrapped = original(fn);
    return Object.assign(() => wrapped(), {
      immediate: () => {
        commits++;
        return wrapped.immediate();
      },
    });
  }) as unknown as typeof sqlite.transaction;
  const results = await Promise.all([
    sqliteTransaction(sqlite, write(1)),
    sqliteTransaction(sqlite, write(2)),
    sqliteTransaction(sqlite, write(3)),
  ]);
  assert.deepEqual(results, [1, 2, 3]);
  assert.equal(commits, 1);
  assert.deepEqual(outerSeen, [true, true, true]);
  assert.equal(sqlite.inTransaction, false);
  assert.deepEqual(sqlite.prepare('SELECT v FROM t ORDER BY v').pluck().all(), [1, 2, 3]);
});

test('a write that throws is rolled back alone; the others commit', async () => {
  const sqlite = open();
  const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
  const first = sqliteTransaction(sqlite, () => insert.run(1));
  const failing = sqliteTransaction(sqlite, () => {
    insert.run(2);
    insert.run(1); // duplicate key: this write fails after having inserted 2
  });
  const third = sqliteTransaction(sqlite, () => insert.run(3));
  await first;
  await assert.rejects(failing, /UNIQUE/);
  await third;
  assert.deepEqual(sqlite.prepare('SELECT v FROM t ORDER BY v').pluck().all(), [1, 3]);
});

test('a write asked for after the commit starts goes in the next transaction', async () => {
  const sqlite = open();
  const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
  await sqliteTransaction(sqlite, () => insert.run(1));
  const seen = await sqliteTransaction(sqlite, () => sqlite.prepare('SELECT count(*) FROM t').pluck().get());
  assert.equal(seen, 1);
});
