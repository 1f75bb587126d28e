import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { migrationProvider } from '../../src/store/migrations.js';
import { migrateToLatest } from '../../src/store/open-store.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';

/**
 * Migrations 0008–0010 (issue 11) on a database that has data from before them: duplicate live
 * credentials, limits nobody recorded the setter of, audit entries without their account.
 */
await describeEachDatabase(
  'migrations 0008–0010 on existing data',
  (db) => {
    let store: TestStore;
    beforeEach(async () => {
      store = await db.open({ migrate: false });
      const schema =
        store.dialect === 'postgres'
          ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]
              ?.schema
          : undefined;
      const migrator = new Migrator({
        db: store.db,
        provider: migrationProvider(store.dialect),
        ...(schema ? { migrationTableSchema: schema } : {}),
      });
      const { error } = await migrator.migrateTo('0007_routes');
      assert.equal(error, undefined);
    });
    afterEach(() => store.destroy());

    const account = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      name: id,
      role: 'client',
      tenant_id: null,
      created_at: 1,
      disabled_at: null,
      webhook_secret: 'whsec_x',
      ...extra,
    });
    const credential = (id: string, accountId: string, createdAt: number) => ({
      id,
      account_id: accountId,
      kind: 'smpp',
      identifier: 'dup',
      environment: '',
      secret_hash: 'scrypt$00$00',
      created_at: createdAt,
      revoked_at: null,
    });

    it('keeps the oldest of duplicate live credentials, and makes a second one impossible', async () => {
      await store.db
        .insertInto('accounts')
        .values([account('acc_a'), account('acc_b')])
        .execute();
      await store.db
        .insertInto('credentials')
        .values([
          credential('cred_2', 'acc_b', 20),
          credential('cred_1', 'acc_a', 10),
          credential('cred_3', 'acc_b', 30),
        ])
        .execute();
      await migrateToLatest(store);
      const rows = await store.db
        .selectFrom('credentials')
        .select(['id', 'revoked_at'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.revoked_at === null]),
        [
          ['cred_1', true],
          ['cred_2', false],
          ['cred_3', false],
        ],
      );
      await assert.rejects(
        store.db
          .insertInto('credentials')
          .values(credential('cred_4', 'acc_b', 40))
          .execute(),
        /unique|duplicate key/i,
      );
      // A revoked one does not count: the identifier can be issued again once the live one is revoked.
      await store.db.updateTable('credentials').set({ revoked_at: 50 }).where('id', '=', 'cred_1').execute();
      await store.db
        .insertInto('credentials')
        .values(credential('cred_5', 'acc_b', 60))
        .execute();
    });

    it('counts limits that existed before as an admin’s ceilings', async () => {
      await store.db
        .insertInto('accounts')
        .values([
          account('acc_limited', {
            rate_per_second: 5,
            monthly_segment_quota: 100,
            allowed_senders: '["ACME"]',
            balance_micros: 0,
          }),
          account('acc_free'),
        ])
        .execute();
      await migrateToLatest(store);
      const rows = await store.db
        .selectFrom('accounts')
        .select(['id', 'admin_limits'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.admin_limits === null ? null : JSON.parse(r.admin_limits)]),
        [
          ['acc_free', null],
          [
            'acc_limited',
            { ratePerSecond: 5, monthlySegmentQuota: 100, allowedSenders: ['ACME'], prepaid: true },
          ],
        ],
      );
    });

    it('gives existing audit entries the account they are about', async () => {
      await store.db.insertInto('accounts').values(account('acc_a')).execute();
      await store.db
        .insertInto('api_keys')
        .values({
          id: 'key_a',
          account_id: 'acc_a',
          prefix: 'prefixa000',
          hash: 'x',
          name: null,
          created_at: 1,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      await store.db
        .insertInto('credentials')
        .values(credential('cred_a', 'acc_a', 1))
        .execute();
      const entry = (action: string, targetType: string, targetId: string) => ({
        at: 1,
        actor_account_id: 'admin',
        action,
        target_type: targetType,
        target_id: targetId,
        tenant_id: null,
        detail: null,
      });
      await store.db
        .insertInto('audit_log')
        .values([
          entry('account.create', 'account', 'acc_a'),
          entry('key.create', 'api_key', 'key_a'),
          entry('credential.revoke', 'credential', 'cred_a'),
          entry('tenant.create', 'tenant', 'ten_x'),
          entry('prices.replace', 'prices', 'all'),
        ])
        .execute();
      await migrateToLatest(store);
      const rows = await store.db
        .selectFrom('audit_log')
        .select(['action', 'account_id'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.action, r.account_id]),
        [
          ['account.create', 'acc_a'],
          ['key.create', 'acc_a'],
          ['credential.revoke', 'acc_a'],
          ['tenant.create', null],
          ['prices.replace', null],
        ],
      );
    });
  },
  describe,
);
