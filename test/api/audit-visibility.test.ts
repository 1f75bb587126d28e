import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { createAccountApi, createTenantApi, expectApi } from './support.js';

interface AuditEntry {
  actorAccountId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  tenantId: string | null;
  detail: Record<string, unknown> | null;
}

/** Issue 11, item 8: an audit entry is shown only to those who may see what it is about. */
await describeEachDatabase(
  'the audit log follows the visibility of its targets',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const ADMIN = TEST_ADMIN_KEY;
    let P: { id: string; key: string };
    let A: { id: string; key: string };
    let hiddenAdmin: { id: string; key: string };
    let hiddenPartner: { id: string; key: string };
    let X: string;
    /** Ids and key prefixes of what P may not see: none may appear in its audit view. */
    const hidden: string[] = [];
    /** What P did or may see, and must still find. */
    let aKey: { id: string; prefix: string };
    let aCredential: string;

    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      P = await createAccountApi(gateway, ADMIN, { name: 'Partner P', role: 'partner' });
      X = await createTenantApi(gateway, ADMIN, { name: 'Tenant X', partnerAccountId: P.id });
      A = await createAccountApi(gateway, P.key, { name: 'Client A', tenantId: X });
      // Accounts an admin places in X are not P's to see (docs/permissions.md).
      hiddenAdmin = await createAccountApi(gateway, ADMIN, {
        name: 'Admin in X',
        role: 'admin',
        tenantId: X,
      });
      hiddenPartner = await createAccountApi(gateway, ADMIN, {
        name: 'Partner in X',
        role: 'partner',
        tenantId: X,
      });
      hidden.push(hiddenAdmin.id, hiddenPartner.id);
      for (const account of [hiddenAdmin, hiddenPartner]) {
        const key = await expectApi(gateway, 201, 'POST', `/v1/accounts/${account.id}/keys`, ADMIN, {
          name: 'second',
        });
        hidden.push(key.body.id, key.body.prefix);
        await expectApi(gateway, 204, 'DELETE', `/v1/accounts/${account.id}/keys/${key.body.id}`, ADMIN);
        const credential = await expectApi(
          gateway,
          201,
          'POST',
          `/v1/accounts/${account.id}/credentials`,
          ADMIN,
          {
            kind: 'smpp',
            identifier: `sys${hidden.length}`,
          },
        );
        hidden.push(credential.body.id, credential.body.identifier);
        await expectApi(
          gateway,
          204,
          'DELETE',
          `/v1/accounts/${account.id}/credentials/${credential.body.id}`,
          ADMIN,
        );
        await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${account.id}`, ADMIN, { name: 'renamed' });
        await expectApi(gateway, 200, 'PUT', `/v1/accounts/${account.id}/webhooks`, ADMIN, {
          statusUrl: 'https://hooks.example.com/hidden',
        });
      }
      // The hidden admin acts on A, which P does see.
      await expectApi(gateway, 200, 'PATCH', `/v1/accounts/${A.id}`, hiddenAdmin.key, {
        name: 'A by hidden admin',
      });
      const key = await expectApi(gateway, 201, 'POST', `/v1/accounts/${A.id}/keys`, P.key, { name: 'by P' });
      aKey = { id: key.body.id, prefix: key.body.prefix };
      const credential = await expectApi(gateway, 201, 'POST', `/v1/accounts/${A.id}/credentials`, ADMIN, {
        kind: 'smpp',
        identifier: 'asys',
      });
      aCredential = credential.body.id;
      await expectApi(gateway, 204, 'DELETE', `/v1/accounts/${A.id}/credentials/${aCredential}`, P.key);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('shows a partner nothing about accounts placed in its tenant that it may not see', async () => {
      const view = await expectApi(gateway, 200, 'GET', '/v1/audit?limit=1000', P.key);
      for (const id of hidden) {
        assert.ok(!view.text.includes(id), `P's audit view mentions ${id}: ${view.text}`);
      }
      // The admin still sees all of it.
      const all = await expectApi(gateway, 200, 'GET', '/v1/audit?limit=1000', ADMIN);
      for (const id of hidden) assert.ok(all.text.includes(id), `the admin's audit view lacks ${id}`);
    });

    it('shows a partner every entry about what it may see, and only those', async () => {
      const view = await expectApi(gateway, 200, 'GET', '/v1/audit?limit=1000', P.key);
      const entries = view.body.data as AuditEntry[];
      const has = (action: string, targetId: string) =>
        entries.some((e) => e.action === action && e.targetId === targetId);
      assert.ok(has('tenant.create', X), 'the creation of its tenant');
      assert.ok(has('account.create', A.id), "its client's creation");
      assert.ok(has('key.create', aKey.id), "the client's new key");
      assert.ok(has('credential.create', aCredential) && has('credential.revoke', aCredential));
      assert.ok(has('account.update', A.id), "the hidden admin's change to A");
      // Every entry shown is about a tenant or an account P can read.
      for (const entry of entries) {
        const accountId =
          entry.targetType === 'account' ? entry.targetId : (entry.detail?.accountId as string | undefined);
        if (entry.targetType === 'tenant') {
          await expectApi(gateway, 200, 'GET', `/v1/tenants/${entry.targetId}`, P.key);
        } else {
          assert.ok(accountId, `entry names its account: ${JSON.stringify(entry)}`);
          await expectApi(gateway, 200, 'GET', `/v1/accounts/${accountId}`, P.key);
        }
      }
    });

    it('names an actor the reader may not see as null, never by id', async () => {
      const view = await expectApi(gateway, 200, 'GET', '/v1/audit?limit=1000', P.key);
      const change = (view.body.data as AuditEntry[]).find(
        (e) => e.action === 'account.update' && e.targetId === A.id,
      );
      assert.ok(change, view.text);
      assert.equal(change.actorAccountId, null);
      const all = await expectApi(gateway, 200, 'GET', '/v1/audit?limit=1000', ADMIN);
      const same = (all.body.data as AuditEntry[]).find(
        (e) => e.action === 'account.update' && e.targetId === A.id,
      );
      assert.equal(same?.actorAccountId, hiddenAdmin.id);
      // P's own actions carry its own id.
      const own = (view.body.data as AuditEntry[]).find(
        (e) => e.action === 'key.create' && e.targetId === aKey.id,
      );
      assert.equal(own?.actorAccountId, P.id);
    });

    it('honours the limit after filtering', async () => {
      const view = await expectApi(gateway, 200, 'GET', '/v1/audit?limit=2', P.key);
      const entries = view.body.data as AuditEntry[];
      assert.equal(entries.length, 2, view.text);
      assert.deepEqual(
        entries.map((e) => [e.action, e.targetId]),
        [
          ['credential.revoke', aCredential],
          ['credential.create', aCredential],
        ],
      );
    });
  },
  describe,
);
