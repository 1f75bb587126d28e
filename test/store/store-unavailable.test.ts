/**
 * Which errors mean "the database is away" (answered 503 store_unavailable) and which are bugs
 * (500). The errors are the real ones: a pg pool pointed at a port nothing listens on, and a
 * SQLite file another connection holds an exclusive lock on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { isStoreUnavailable } from '../../src/store/store-unavailable.js';
import { freePort } from '../e2e/gateway-process.js';

describe('isStoreUnavailable', () => {
  it('is true for a PostgreSQL server that refuses connections', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/x` });
    const error = await pool.query('select 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    await pool.end();
    assert.ok(error, 'the query should have failed');
    assert.equal(isStoreUnavailable(error), true, String(error));
  });

  it('is true for a SQLite file locked by another connection past busy_timeout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsgate-unavailable-'));
    const holder = new SqliteDatabase(join(dir, 'x.db'));
    const other = new SqliteDatabase(join(dir, 'x.db'));
    try {
      holder.exec('create table t (x)');
      other.pragma('busy_timeout = 10');
      holder.exec('begin exclusive');
      const error = (() => {
        try {
          other.prepare('insert into t values (1)').run();
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      assert.ok(error, 'the write should have failed');
      assert.equal(isStoreUnavailable(error), true, String(error));
    } finally {
      holder.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is false for a bug: a bad query, a constraint, a plain Error', () => {
    const db = new SqliteDatabase(':memory:');
    db.exec('create table t (x unique)');
    db.exec('insert into t values (1)');
    const errors: unknown[] = [];
    for (const sql of ['select * from missing', 'insert into t values (1)']) {
      try {
        db.exec(sql);
      } catch (e) {
        errors.push(e);
      }
    }
    db.close();
    errors.push(new TypeError('x is undefined'), undefined, 'text');
    assert.equal(errors.length, 5);
    for (const error of errors) assert.equal(isStoreUnavailable(error), false, String(error));
  });
});
