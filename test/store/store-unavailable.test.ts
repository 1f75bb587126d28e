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
import { describePostgres, TEST_POSTGRES_URL } from '../helpers/databases.js';

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

await describePostgres(
  'isStoreUnavailable on a connection the server ended',
  () => {
    it('is true for the query that sees the connection end and for the next one on that client', async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      // The client's own 'error' event (the server ended the session) would otherwise end the test run.
      client.on('error', () => {});
      await client.connect();
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        // The backend ends a moment after pg_terminate_backend answers, and the first failed
        // queries see it end in words that depend on when the client notices; once it has, every
        // later one is refused as "not queryable".
        const failures: unknown[] = [];
        for (let i = 0; i < 50 && !/not queryable/.test(String(failures.at(-1))); i++) {
          const error = await client.query('select 1').then(
            () => undefined,
            (e: unknown) => e,
          );
          if (error) failures.push(error);
          else await new Promise((resolve) => setTimeout(resolve, 20));
        }
        // What a status write saw during a PostgreSQL restart (a fault run): given up, it let the
        // message be submitted twice.
        assert.match(String(failures.at(-1)), /not queryable/, failures.map(String).join('; '));
        for (const error of failures) assert.equal(isStoreUnavailable(error), true, String(error));
      } finally {
        await client.end().catch(() => {});
        await admin.end();
      }
    });
  },
  describe,
);
