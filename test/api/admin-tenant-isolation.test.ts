import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';

type Method = NonNullable<InjectOptions['method']>;

interface Answer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
}

interface Created {
  id: string;
  key: string;
  keyId: string;
}

interface AuditEntry {
  id: number | string;
  at: string;
  actorAccountId: string;
  action: string;
  targetType: string;
  targetId: string;
  tenantId: string | null;
  detail: unknown;
}

let addressCounter = 0;
/**
 * A fresh client address per request: the gateway slows down addresses that keep failing
 * authentication (429); this suite proves several keys fail (401) and must not trip that.
 */
function freshAddress(): string {
  addressCounter++;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

await describeEachDatabase(
  'tenant isolation and the permission matrix',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const ADMIN = TEST_ADMIN_KEY;
    const ADMIN_ID = 'admin';
    /** Every key this suite has seen: none of them may ever appear in the audit log. */
    const secrets: string[] = [TEST_ADMIN_KEY];
    let P: Created;
    let Q: Created;
    let A: Created;
    let B: Created;
    let X: string;
    let Y: string;
    let msgA: string;
    let msgB: string;
    let extraKeyB: { id: string; key: string };

    async function call(method: Method, url: string, key?: string, payload?: unknown): Promise<Answer> {
      const response = await gateway.http.inject({
        method,
        url,
        remoteAddress: freshAddress(),
        ...(key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } }),
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      const text = response.body;
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: response.statusCode, text, body };
    }

    async function expectStatus(
      expected: number,
      method: Method,
      url: string,
      key: string | undefined,
      payload?: unknown,
    ): Promise<Answer> {
      const answer = await call(method, url, key, payload);
      assert.equal(answer.status, expected, `${method} ${url}: ${answer.text}`);
      return answer;
    }

    async function createAccount(
      key: string,
      body: { name: string; role?: string; tenantId?: string | null },
    ): Promise<Created> {
      const answer = await expectStatus(201, 'POST', '/v1/accounts', key, body);
      const key_ = answer.body.apiKey.key as string;
      assert.ok(
        typeof key_ === 'string' && key_.startsWith('sk_'),
        `account creation returns its key: ${answer.text}`,
      );
      secrets.push(key_);
      return { id: answer.body.id, key: key_, keyId: answer.body.apiKey.id };
    }

    async function createTenant(key: string, body: { name: string; partnerAccountId?: string }) {
      const answer = await expectStatus(201, 'POST', '/v1/tenants', key, body);
      return answer.body.id as string;
    }

    async function sendScheduled(key: string, text: string): Promise<string> {
      // Scheduled an hour ahead, so the message stays cancelable for the whole suite.
      const scheduleAt = new Date(Date.now() + 3_600_000).toISOString();
      const answer = await expectStatus(202, 'POST', '/v1/messages', key, {
        to: '+447911123456',
        text,
        scheduleAt,
      });
      return answer.body.messages[0].id as string;
    }

    const ids = (answer: Answer): string[] => (answer.body.data as { id: string }[]).map((e) => e.id);

    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      P = await createAccount(ADMIN, { name: 'Partner P', role: 'partner' });
      Q = await createAccount(ADMIN, { name: 'Partner Q', role: 'partner' });
      X = await createTenant(ADMIN, { name: 'Tenant X', partnerAccountId: P.id });
      Y = await createTenant(ADMIN, { name: 'Tenant Y', partnerAccountId: Q.id });
      A = await createAccount(ADMIN, { name: 'Client A', role: 'client', tenantId: X });
      B = await createAccount(ADMIN, { name: 'Client B', role: 'client', tenantId: Y });
      msgA = await sendScheduled(A.key, 'from A');
      msgB = await sendScheduled(B.key, 'from B');
      const extra = await expectStatus(201, 'POST', `/v1/accounts/${B.id}/keys`, B.key, { name: 'B extra' });
      extraKeyB = { id: extra.body.id, key: extra.body.key };
      secrets.push(extraKeyB.key);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('set up what it asked for', async () => {
      const x = await expectStatus(200, 'GET', `/v1/tenants/${X}`, ADMIN);
      assert.equal(x.body.partnerAccountId, P.id);
      const y = await expectStatus(200, 'GET', `/v1/tenants/${Y}`, ADMIN);
      assert.equal(y.body.partnerAccountId, Q.id);
      const a = await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, A.key);
      assert.deepEqual([a.body.role, a.body.tenantId, a.body.disabled], ['client', X, false]);
      const b = await expectStatus(200, 'GET', `/v1/accounts/${B.id}`, B.key);
      assert.deepEqual([b.body.role, b.body.tenantId, b.body.disabled], ['client', Y, false]);
    });

    it("client A cannot read or cancel tenant Y's messages, nor see them in its list", async () => {
      await expectStatus(404, 'GET', `/v1/messages/${msgB}`, A.key);
      await expectStatus(404, 'POST', `/v1/messages/${msgB}/cancel`, A.key);
      const list = await expectStatus(200, 'GET', '/v1/messages?limit=1000', A.key);
      assert.deepEqual(ids(list), [msgA]);
      assert.ok(!list.text.includes(msgB), 'B message id absent from A list');
      const stats = await expectStatus(200, 'GET', '/v1/stats', A.key);
      assert.ok(!stats.text.includes('queue'), `a client sees no queue statistics: ${stats.text}`);
      // The 404s were not because B's message is gone: B still reads it, and B alone cancels it.
      await expectStatus(200, 'GET', `/v1/messages/${msgB}`, B.key);
      await expectStatus(404, 'GET', `/v1/messages/${msgA}`, B.key);
      await expectStatus(200, 'GET', `/v1/messages/${msgA}`, A.key);
      const canceled = await expectStatus(200, 'POST', `/v1/messages/${msgB}/cancel`, B.key);
      assert.equal(canceled.body.status, 'canceled');
    });

    it("client A gets 404 for B's account and B's keys", async () => {
      await expectStatus(404, 'GET', `/v1/accounts/${B.id}`, A.key);
      await expectStatus(404, 'PATCH', `/v1/accounts/${B.id}`, A.key, { name: 'hijacked' });
      await expectStatus(404, 'PATCH', `/v1/accounts/${B.id}`, A.key, { disabled: true });
      await expectStatus(404, 'GET', `/v1/accounts/${B.id}/keys`, A.key);
      await expectStatus(404, 'POST', `/v1/accounts/${B.id}/keys`, A.key, { name: 'planted' });
      await expectStatus(404, 'DELETE', `/v1/accounts/${B.id}/keys/${extraKeyB.id}`, A.key);
      // B's key id under A's own account is no key of A's.
      await expectStatus(404, 'DELETE', `/v1/accounts/${A.id}/keys/${extraKeyB.id}`, A.key);
      const b = await expectStatus(200, 'GET', `/v1/accounts/${B.id}`, extraKeyB.key);
      assert.equal(b.body.name, 'Client B', 'B untouched');
      const keys = await expectStatus(200, 'GET', `/v1/accounts/${B.id}/keys`, B.key);
      assert.equal(keys.body.data.length, 2, `B has its two keys, no planted one: ${keys.text}`);
      assert.ok(
        (keys.body.data as { revokedAt: string | null }[]).every((k) => k.revokedAt === null),
        'no key of B revoked',
      );
    });

    it('client A is refused what its role may not do (403), and sees no tenant (404)', async () => {
      await expectStatus(403, 'POST', '/v1/tenants', A.key, { name: 'rogue' });
      await expectStatus(403, 'GET', '/v1/tenants', A.key);
      await expectStatus(403, 'POST', '/v1/accounts', A.key, { name: 'rogue', role: 'client', tenantId: X });
      await expectStatus(403, 'POST', '/v1/accounts', A.key, { name: 'rogue', role: 'admin' });
      await expectStatus(403, 'GET', '/v1/audit', A.key);
      await expectStatus(403, 'GET', '/v1/connectors', A.key);
      await expectStatus(404, 'GET', `/v1/tenants/${Y}`, A.key);
      await expectStatus(404, 'GET', `/v1/tenants/${X}`, A.key);
      await expectStatus(403, 'PATCH', `/v1/accounts/${A.id}`, A.key, { name: 'renamed by itself' });
    });

    it('client A lists only itself', async () => {
      const list = await expectStatus(200, 'GET', '/v1/accounts', A.key);
      assert.deepEqual(ids(list), [A.id]);
      for (const other of [B.id, P.id, Q.id, ADMIN_ID, Y]) {
        assert.ok(!list.text.includes(other), `A's account list mentions ${other}: ${list.text}`);
      }
    });

    it('client A creates, lists and revokes its own keys; a revoked key fails at once', async () => {
      const created = await expectStatus(201, 'POST', `/v1/accounts/${A.id}/keys`, A.key, { name: 'ci' });
      const newKey = created.body.key as string;
      secrets.push(newKey);
      assert.ok(newKey.startsWith(`sk_${created.body.prefix}_`), 'the key starts with its prefix');
      // Use it, so the authenticator has it cached.
      await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, newKey);
      await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, newKey);
      const list = await expectStatus(200, 'GET', `/v1/accounts/${A.id}/keys`, A.key);
      assert.deepEqual(ids(list).sort(), [A.keyId, created.body.id].sort());
      assert.ok(!list.text.includes(newKey) && !list.text.includes(A.key), 'key list shows no key');
      for (const entry of list.body.data as Record<string, unknown>[]) {
        assert.deepEqual(
          Object.keys(entry).sort(),
          ['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt'],
          'key list fields',
        );
      }
      await expectStatus(204, 'DELETE', `/v1/accounts/${A.id}/keys/${created.body.id}`, A.key);
      const refused = await expectStatus(401, 'GET', `/v1/accounts/${A.id}`, newKey);
      assert.equal(refused.body.error.code, 'unauthenticated');
      await expectStatus(401, 'POST', '/v1/messages', newKey, { to: '+447911123456', text: 'x' });
      await expectStatus(404, 'DELETE', `/v1/accounts/${A.id}/keys/${created.body.id}`, A.key);
      await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, A.key);
      const after = await expectStatus(200, 'GET', `/v1/accounts/${A.id}/keys`, A.key);
      const revoked = (after.body.data as { id: string; revokedAt: string | null }[]).find(
        (k) => k.id === created.body.id,
      );
      assert.ok(revoked?.revokedAt, `revoked key shows revokedAt: ${after.text}`);
    });

    it("partner P sees X's tenant and client accounts, not Y's, not Q, not the admin", async () => {
      const accounts = await expectStatus(200, 'GET', '/v1/accounts', P.key);
      assert.deepEqual(new Set(ids(accounts)), new Set([P.id, A.id]));
      for (const hidden of [B.id, Q.id, ADMIN_ID, Y]) {
        assert.ok(!accounts.text.includes(hidden), `P's account list mentions ${hidden}`);
      }
      await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, P.key);
      await expectStatus(200, 'GET', `/v1/accounts/${P.id}`, P.key);
      for (const hidden of [B.id, Q.id, ADMIN_ID]) {
        await expectStatus(404, 'GET', `/v1/accounts/${hidden}`, P.key);
      }
      const tenants = await expectStatus(200, 'GET', '/v1/tenants', P.key);
      assert.deepEqual(ids(tenants), [X]);
      await expectStatus(200, 'GET', `/v1/tenants/${X}`, P.key);
      await expectStatus(404, 'GET', `/v1/tenants/${Y}`, P.key);
      await expectStatus(404, 'GET', `/v1/messages/${msgA}`, P.key);
      await expectStatus(403, 'GET', '/v1/connectors', P.key);
    });

    it('partner Q, likewise, sees Y and B, not X, A or P', async () => {
      const accounts = await expectStatus(200, 'GET', '/v1/accounts', Q.key);
      assert.deepEqual(new Set(ids(accounts)), new Set([Q.id, B.id]));
      const tenants = await expectStatus(200, 'GET', '/v1/tenants', Q.key);
      assert.deepEqual(ids(tenants), [Y]);
      await expectStatus(404, 'GET', `/v1/tenants/${X}`, Q.key);
      for (const hidden of [A.id, P.id, ADMIN_ID]) {
        await expectStatus(404, 'GET', `/v1/accounts/${hidden}`, Q.key);
        await expectStatus(404, 'GET', `/v1/accounts/${hidden}/keys`, Q.key);
      }
    });

    it('partner P creates client accounts in X only', async () => {
      const created = await createAccount(P.key, { name: 'Client A2', role: 'client', tenantId: X });
      const a2 = await expectStatus(200, 'GET', `/v1/accounts/${created.id}`, P.key);
      assert.deepEqual([a2.body.role, a2.body.tenantId], ['client', X]);
      await expectStatus(200, 'GET', `/v1/accounts/${created.id}`, created.key);
      await expectStatus(403, 'POST', '/v1/accounts', P.key, { name: 'p2', role: 'partner', tenantId: X });
      await expectStatus(403, 'POST', '/v1/accounts', P.key, { name: 'root', role: 'admin', tenantId: X });
      await expectStatus(403, 'POST', '/v1/accounts', P.key, { name: 'root', role: 'admin' });
      await expectStatus(403, 'POST', '/v1/accounts', P.key, { name: 'loose', role: 'client' });
      await expectStatus(404, 'POST', '/v1/accounts', P.key, { name: 'in Y', role: 'client', tenantId: Y });
      await expectStatus(404, 'POST', '/v1/accounts', P.key, {
        name: 'nowhere',
        role: 'client',
        tenantId: 'ten_doesnotexist',
      });
      await expectStatus(403, 'POST', '/v1/tenants', P.key, { name: 'for Q', partnerAccountId: Q.id });
      // Nothing landed in Y.
      const yAccounts = await expectStatus(200, 'GET', '/v1/accounts', Q.key);
      assert.deepEqual(new Set(ids(yAccounts)), new Set([Q.id, B.id]));
    });

    it("partner P changes and keys X's client accounts, but not the admin, Q, B or itself (disable)", async () => {
      const renamed = await expectStatus(200, 'PATCH', `/v1/accounts/${A.id}`, P.key, {
        name: 'Client A (renamed)',
      });
      assert.equal(renamed.body.name, 'Client A (renamed)');
      for (const hidden of [ADMIN_ID, Q.id, B.id]) {
        await expectStatus(404, 'PATCH', `/v1/accounts/${hidden}`, P.key, { disabled: true });
        await expectStatus(404, 'PATCH', `/v1/accounts/${hidden}`, P.key, { name: 'pwned' });
        await expectStatus(404, 'POST', `/v1/accounts/${hidden}/keys`, P.key, {});
        await expectStatus(404, 'GET', `/v1/accounts/${hidden}/keys`, P.key);
      }
      await expectStatus(404, 'DELETE', `/v1/accounts/${B.id}/keys/${extraKeyB.id}`, P.key);
      await expectStatus(200, 'GET', `/v1/accounts/${B.id}`, extraKeyB.key);
      await expectStatus(403, 'PATCH', `/v1/accounts/${P.id}`, P.key, { disabled: true });
      await expectStatus(200, 'GET', `/v1/accounts/${P.id}`, P.key);
      const admin = await expectStatus(200, 'GET', `/v1/accounts/${ADMIN_ID}`, ADMIN);
      assert.equal(admin.body.disabled, false);
      const q = await expectStatus(200, 'GET', `/v1/accounts/${Q.id}`, ADMIN);
      assert.deepEqual([q.body.name, q.body.disabled], ['Partner Q', false]);

      const key = await expectStatus(201, 'POST', `/v1/accounts/${A.id}/keys`, P.key, { name: 'by P' });
      secrets.push(key.body.key);
      await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, key.body.key);
      const keys = await expectStatus(200, 'GET', `/v1/accounts/${A.id}/keys`, P.key);
      assert.ok(ids(keys).includes(key.body.id), 'P lists the key it made for A');
      await expectStatus(204, 'DELETE', `/v1/accounts/${A.id}/keys/${key.body.id}`, P.key);
      await expectStatus(401, 'GET', `/v1/accounts/${A.id}`, key.body.key);
      const own = await expectStatus(201, 'POST', `/v1/accounts/${P.id}/keys`, P.key, { name: 'P second' });
      secrets.push(own.body.key);
      await expectStatus(200, 'GET', '/v1/tenants', own.body.key);
    });

    it('a non-client account placed in a tenant stays invisible to that tenant’s partner', async () => {
      const xAdmin = await createAccount(ADMIN, { name: 'Admin in X', role: 'admin', tenantId: X });
      const xPartner = await createAccount(ADMIN, { name: 'Partner in X', role: 'partner', tenantId: X });
      const list = await expectStatus(200, 'GET', '/v1/accounts', P.key);
      for (const hidden of [xAdmin.id, xPartner.id]) {
        assert.ok(!ids(list).includes(hidden), `P's list shows ${hidden}`);
        // docs/permissions.md: a partner reads "itself and the client accounts of its tenants".
        await expectStatus(404, 'GET', `/v1/accounts/${hidden}`, P.key);
        await expectStatus(404, 'GET', `/v1/accounts/${hidden}/keys`, P.key);
        await expectStatus(404, 'PATCH', `/v1/accounts/${hidden}`, P.key, { disabled: true });
      }
      await expectStatus(200, 'GET', `/v1/accounts/${xAdmin.id}`, xAdmin.key);
    });

    it('admin sees every tenant, account and key', async () => {
      const accounts = await expectStatus(200, 'GET', '/v1/accounts', ADMIN);
      for (const id of [ADMIN_ID, P.id, Q.id, A.id, B.id]) {
        assert.ok(ids(accounts).includes(id), `admin's account list lacks ${id}`);
        await expectStatus(200, 'GET', `/v1/accounts/${id}`, ADMIN);
        await expectStatus(200, 'GET', `/v1/accounts/${id}/keys`, ADMIN);
      }
      const tenants = await expectStatus(200, 'GET', '/v1/tenants', ADMIN);
      assert.ok(ids(tenants).includes(X) && ids(tenants).includes(Y), `admin lists X and Y: ${tenants.text}`);
      await expectStatus(200, 'GET', `/v1/tenants/${X}`, ADMIN);
      await expectStatus(200, 'GET', `/v1/tenants/${Y}`, ADMIN);
      await expectStatus(200, 'GET', '/v1/connectors', ADMIN);
      const audit = await expectStatus(200, 'GET', '/v1/audit?limit=1000', ADMIN);
      const tenantsInAudit = new Set((audit.body.data as AuditEntry[]).map((e) => e.tenantId));
      assert.ok(tenantsInAudit.has(X) && tenantsInAudit.has(Y), 'admin audit covers X and Y');
    });

    it('no account can disable itself', async () => {
      await expectStatus(403, 'PATCH', `/v1/accounts/${ADMIN_ID}`, ADMIN, { disabled: true });
      await expectStatus(403, 'PATCH', `/v1/accounts/${P.id}`, P.key, { disabled: true });
      await expectStatus(403, 'PATCH', `/v1/accounts/${A.id}`, A.key, { disabled: true });
      for (const key of [ADMIN, P.key, A.key]) await expectStatus(200, 'GET', '/v1/accounts', key);
    });

    it('disabling an account fails every one of its keys at once; enabling restores them', async () => {
      for (const key of [B.key, extraKeyB.key]) await expectStatus(200, 'GET', `/v1/accounts/${B.id}`, key);
      const disabled = await expectStatus(200, 'PATCH', `/v1/accounts/${B.id}`, ADMIN, { disabled: true });
      assert.equal(disabled.body.disabled, true);
      for (const key of [B.key, extraKeyB.key]) {
        await expectStatus(401, 'GET', `/v1/accounts/${B.id}`, key);
        await expectStatus(401, 'GET', `/v1/messages/${msgB}`, key);
      }
      const seen = await expectStatus(200, 'GET', `/v1/accounts/${B.id}`, Q.key);
      assert.equal(seen.body.disabled, true);
      await expectStatus(200, 'PATCH', `/v1/accounts/${B.id}`, Q.key, { disabled: false });
      for (const key of [B.key, extraKeyB.key]) await expectStatus(200, 'GET', `/v1/accounts/${B.id}`, key);

      // A partner disabling its tenant's client has the same immediate effect.
      await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, A.key);
      await expectStatus(200, 'PATCH', `/v1/accounts/${A.id}`, P.key, { disabled: true });
      await expectStatus(401, 'GET', `/v1/accounts/${A.id}`, A.key);
      await expectStatus(200, 'PATCH', `/v1/accounts/${A.id}`, P.key, { disabled: false });
      await expectStatus(200, 'GET', `/v1/accounts/${A.id}`, A.key);
    });

    it('a partner manages the tenants it creates, and only those', async () => {
      const z = await createTenant(P.key, { name: 'Tenant Z' });
      const tenant = await expectStatus(200, 'GET', `/v1/tenants/${z}`, P.key);
      assert.equal(tenant.body.partnerAccountId, P.id);
      assert.deepEqual(new Set(ids(await expectStatus(200, 'GET', '/v1/tenants', P.key))), new Set([X, z]));
      assert.deepEqual(ids(await expectStatus(200, 'GET', '/v1/tenants', Q.key)), [Y]);
      await expectStatus(404, 'GET', `/v1/tenants/${z}`, Q.key);
      await expectStatus(404, 'POST', '/v1/accounts', Q.key, { name: 'in Z', role: 'client', tenantId: z });
      await createAccount(P.key, { name: 'Client Z1', role: 'client', tenantId: z });
    });

    it('the audit log records who did what to what, never a key; partners see only their tenants', async () => {
      const audit = await expectStatus(200, 'GET', '/v1/audit?limit=1000', ADMIN);
      const entries = audit.body.data as AuditEntry[];
      const find = (action: string, actor: string, target: string) =>
        entries.find((e) => e.action === action && e.actorAccountId === actor && e.targetId === target);

      const tenantX = find('tenant.create', ADMIN_ID, X);
      assert.ok(tenantX, `tenant.create of X by admin: ${audit.text}`);
      assert.equal(tenantX.tenantId, X);
      assert.equal(tenantX.targetType, 'tenant');
      const accountA = find('account.create', ADMIN_ID, A.id);
      assert.ok(accountA, 'account.create of A by admin');
      assert.deepEqual([accountA.targetType, accountA.tenantId], ['account', X]);
      const keyB = find('key.create', B.id, extraKeyB.id);
      assert.ok(keyB, "key.create of B's extra key by B");
      assert.deepEqual([keyB.targetType, keyB.tenantId], ['api_key', Y]);
      const revokes = entries.filter((e) => e.action === 'key.revoke' && e.tenantId === X);
      assert.ok(
        revokes.some((e) => e.actorAccountId === A.id) && revokes.some((e) => e.actorAccountId === P.id),
        'key.revoke by A and by P recorded',
      );
      const updates = entries.filter((e) => e.action === 'account.update');
      assert.ok(find('account.update', P.id, A.id), 'account.update of A by P');
      assert.ok(find('account.update', ADMIN_ID, B.id), 'account.update of B by admin');
      assert.ok(find('account.update', Q.id, B.id), 'account.update of B by Q');
      assert.ok(
        updates.every((e) => e.targetType === 'account'),
        'account.update targets accounts',
      );
      for (const entry of entries) {
        assert.ok(
          typeof entry.at === 'string' && !Number.isNaN(Date.parse(entry.at)),
          `entry time ${entry.at}`,
        );
      }
      // Refused attempts changed nothing, so nothing about them is recorded as done.
      assert.ok(!entries.some((e) => e.actorAccountId === A.id && e.targetId === B.id), 'no A action on B');

      for (const secret of secrets) {
        assert.ok(!audit.text.includes(secret), 'the audit log contains an API key');
      }
      assert.ok(!/hash/i.test(audit.text), 'the audit log mentions a hash');

      const partnerView = await expectStatus(200, 'GET', '/v1/audit?limit=1000', P.key);
      const pEntries = partnerView.body.data as AuditEntry[];
      const pTenants = new Set(ids(await expectStatus(200, 'GET', '/v1/tenants', P.key)));
      assert.ok(
        pEntries.some((e) => e.action === 'tenant.create' && e.targetId === X),
        "P's audit view shows X's creation",
      );
      assert.ok(
        pEntries.some((e) => e.action === 'account.create' && e.targetId === A.id),
        "P's audit view shows A's creation",
      );
      // Entries about P itself (its creation, its keys) are P's to see too (test/api/audit-visibility.test.ts).
      const aboutP = (entry: AuditEntry) =>
        entry.targetId === P.id || (entry.detail as { accountId?: string } | null)?.accountId === P.id;
      for (const entry of pEntries) {
        assert.ok(
          entry.actorAccountId === P.id ||
            aboutP(entry) ||
            (entry.tenantId !== null && pTenants.has(entry.tenantId)),
          `P's audit view shows a foreign entry: ${JSON.stringify(entry)}`,
        );
      }
      for (const foreign of [Y, B.id, Q.id, extraKeyB.id]) {
        assert.ok(!partnerView.text.includes(foreign), `P's audit view mentions ${foreign}`);
      }
      for (const secret of secrets) {
        assert.ok(!partnerView.text.includes(secret), "P's audit view contains an API key");
      }

      const qView = await expectStatus(200, 'GET', '/v1/audit?limit=1000', Q.key);
      for (const foreign of [X, A.id, P.id]) {
        assert.ok(!qView.text.includes(foreign), `Q's audit view mentions ${foreign}`);
      }
      assert.ok(
        (qView.body.data as AuditEntry[]).some((e) => e.targetId === Y),
        "Q's audit view shows Y's entries",
      );
    });

    it('inbound replies and opt-outs stay within their tenant; a reply to a number both wrote from goes to neither', async () => {
      const send = (key: string, to: string) =>
        expectStatus(202, 'POST', '/v1/messages', key, { to, text: 'hello', from: '+447911000009' });
      const inbound = (from: string, text: string) =>
        expectStatus(202, 'POST', '/v1/connectors/sim/inbound', ADMIN, { from, to: '+447911000009', text });
      const [customerA, customerB, shared] = ['+447911201001', '+447911201002', '+447911201003'];
      await send(A.key, customerA);
      await send(B.key, customerB);
      await send(A.key, shared);
      await send(B.key, shared);
      await inbound(customerA, 'reply to A');
      await inbound(customerB, 'reply to B');
      await inbound(shared, 'reply to both');

      const texts = async (key: string) =>
        ((await expectStatus(200, 'GET', '/v1/inbound?limit=1000', key)).body.data as { text: string }[])
          .map((r) => r.text)
          .filter((t) => t.startsWith('reply to'))
          .sort();
      assert.deepEqual(await texts(A.key), ['reply to A']);
      assert.deepEqual(await texts(P.key), ['reply to A'], "A's partner sees A's replies, no others");
      assert.deepEqual(await texts(B.key), ['reply to B']);
      assert.deepEqual(await texts(Q.key), ['reply to B']);
      assert.deepEqual(await texts(ADMIN), ['reply to A', 'reply to B', 'reply to both']);
      const replyToA = (await expectStatus(200, 'GET', '/v1/inbound?limit=1000', A.key)).body.data.find(
        (r: { text: string }) => r.text === 'reply to A',
      );
      await expectStatus(404, 'GET', `/v1/inbound/${replyToA.id}`, B.key);
      await expectStatus(404, 'GET', `/v1/inbound/${replyToA.id}`, Q.key);
      await expectStatus(200, 'GET', `/v1/inbound/${replyToA.id}`, P.key);

      // STOP from A's customer opts out of A only; B may still write to that customer.
      await inbound(customerA, 'STOP');
      const optOuts = async (key: string, accountId?: string) =>
        (
          (await expectStatus(200, 'GET', `/v1/opt-outs${accountId ? `?accountId=${accountId}` : ''}`, key))
            .body.data as { number: string }[]
        ).map((o) => o.number);
      assert.ok((await optOuts(A.key)).includes(customerA));
      assert.ok(!(await optOuts(B.key)).includes(customerA));
      await expectStatus(400, 'POST', '/v1/messages', A.key, {
        to: customerA,
        text: 'again',
        from: '+447911000009',
      });
      await send(B.key, customerA);
      const peek = await call('GET', `/v1/opt-outs?accountId=${A.id}`, B.key);
      assert.ok(peek.status === 403 || peek.status === 404, `B reads A's opt-outs: ${peek.status}`);
      assert.ok(!peek.text.includes(customerA));
      // STOP to the number both wrote from applies to both.
      await inbound(shared, 'STOP');
      assert.ok((await optOuts(A.key)).includes(shared));
      assert.ok((await optOuts(B.key)).includes(shared));
      assert.ok((await optOuts(P.key, A.id)).includes(shared), "A's partner sees A's opt-outs");
    });
  },
  describe,
);
