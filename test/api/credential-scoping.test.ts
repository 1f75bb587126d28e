import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DialectCredentials } from '../../src/accounts/dialect-credentials.js';
import { AuthenticationError } from '../../src/core/errors.js';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { type Answer, callApi, createAccountApi, createTenantApi, expectApi } from './support.js';

/**
 * Issue 11, item 2: dialect credential identifiers are scoped to what the caller owns, and a
 * refused identifier tells the caller nothing about other tenants (docs/permissions.md,
 * "Credential identifiers").
 */
await describeEachDatabase(
  'dialect credential identifiers are scoped to their owner',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let credentials: DialectCredentials;
    const ADMIN = TEST_ADMIN_KEY;
    let P: { id: string; key: string };
    let Q: { id: string; key: string };
    let A: { id: string; key: string };
    let A2: { id: string; key: string };
    let B: { id: string; key: string };
    let X: string;
    let X2: string;
    let Y: string;

    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      credentials = new DialectCredentials(store);
      P = await createAccountApi(gateway, ADMIN, { name: 'Partner P', role: 'partner' });
      Q = await createAccountApi(gateway, ADMIN, { name: 'Partner Q', role: 'partner' });
      X = await createTenantApi(gateway, ADMIN, { name: 'Tenant X', partnerAccountId: P.id });
      X2 = await createTenantApi(gateway, P.key, { name: 'Tenant X2' });
      Y = await createTenantApi(gateway, ADMIN, { name: 'Tenant Y', partnerAccountId: Q.id });
      A = await createAccountApi(gateway, P.key, { name: 'Client A', tenantId: X });
      A2 = await createAccountApi(gateway, P.key, { name: 'Client A2', tenantId: X2 });
      B = await createAccountApi(gateway, Q.key, { name: 'Client B', tenantId: Y });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const create = (key: string, accountId: string, body: Record<string, unknown>) =>
      callApi(gateway, 'POST', `/v1/accounts/${accountId}/credentials`, key, body);

    /** The parts of a refusal a prober could compare: status, code and message. */
    const refusal = (answer: Answer) => ({
      status: answer.status,
      code: answer.body?.error?.code,
      message: answer.body?.error?.message,
    });

    it("a client cannot take another tenant's id as its application key identifier; the tenant still can", async () => {
      const squat = await create(A.key, A.id, {
        kind: 'application_key',
        identifier: Y,
        environment: 'production',
        secret: 'squatter secret',
      });
      assert.equal(squat.status, 403, squat.text);
      assert.equal(squat.body.error.code, 'identifier_not_owned');
      assert.equal(squat.body.error.field, 'identifier');
      const real = await create(B.key, B.id, {
        kind: 'application_key',
        identifier: Y,
        environment: 'production',
        secret: 'the real secret',
      });
      assert.equal(real.status, 201, `the real tenant registers its own id: ${real.text}`);
      const principal = await credentials.verify('application_key', Y, 'the real secret', 'production');
      assert.equal(principal.accountId, B.id);
      await assert.rejects(
        credentials.verify('application_key', Y, 'squatter secret', 'production'),
        AuthenticationError,
      );
      // Not even the tenant's own partner may hand Y's id to a client of another tenant.
      const byPartner = await create(P.key, A.id, { kind: 'application_key', identifier: Y });
      assert.equal(byPartner.status, 403, byPartner.text);
      assert.equal(byPartner.body.error.code, 'identifier_not_owned');
    });

    it("an application key defaults to the account's tenant; a partner may use the tenants it manages", async () => {
      const own = await create(A.key, A.id, { kind: 'application_key', environment: 'test' });
      assert.equal(own.status, 201, own.text);
      assert.equal(own.body.identifier, X);
      assert.equal((await credentials.verify('application_key', X, own.body.secret, 'test')).accountId, A.id);
      // A client names only its own tenant; X2 is its partner's, not its own.
      const otherManaged = await create(A.key, A.id, { kind: 'application_key', identifier: X2 });
      assert.equal(otherManaged.status, 403, otherManaged.text);
      const byPartner = await create(P.key, A.id, { kind: 'application_key', identifier: X2 });
      assert.equal(byPartner.status, 201, `P manages X2: ${byPartner.text}`);
      const duplicate = await create(P.key, A2.id, { kind: 'application_key', identifier: X2 });
      assert.equal(duplicate.status, 409, `P sees A, which holds it: a plain conflict: ${duplicate.text}`);
      assert.equal(duplicate.body.error.code, 'credential_exists');
      // A2 cannot see A, its sibling holding X2's key: to A2 the identifier is simply not its own to use.
      const bySibling = await create(A2.key, A2.id, { kind: 'application_key', identifier: X2 });
      assert.equal(bySibling.status, 403, bySibling.text);
      assert.equal(bySibling.body.error.code, 'identifier_not_owned');
      // An account without a tenant has no tenant id to default to.
      const loose = await createAccountApi(gateway, ADMIN, { name: 'no tenant' });
      const none = await create(loose.key, loose.id, { kind: 'application_key' });
      assert.equal(none.status, 400, none.text);
      assert.equal(none.body.error.field, 'identifier');
      // Admins assign any identifier.
      const byAdmin = await create(ADMIN, loose.id, {
        kind: 'application_key',
        identifier: 'legacy-tenant-7',
      });
      assert.equal(byAdmin.status, 201, byAdmin.text);
    });

    it('probing SMPP system_ids and account numbers tells a client nothing', async () => {
      for (const kind of ['smpp', 'account_password'] as const) {
        const taken = kind === 'smpp' ? 'bsys' : '40001234';
        const free = kind === 'smpp' ? 'neverused' : '40009999';
        const assigned = await create(ADMIN, B.id, { kind, identifier: taken });
        assert.equal(assigned.status, 201, assigned.text);
        const probeTaken = await create(A.key, A.id, { kind, identifier: taken });
        const probeFree = await create(A.key, A.id, { kind, identifier: free });
        assert.equal(probeTaken.status, 403, probeTaken.text);
        assert.deepEqual(
          refusal(probeTaken),
          { ...refusal(probeFree), message: probeFree.body.error.message.replace(free, taken) },
          `${kind}: a taken identifier and a free one must answer alike`,
        );
        assert.ok(!probeTaken.text.includes(B.id) && !probeTaken.text.includes(Y), probeTaken.text);
        // B's credential is untouched, and nothing was created for A.
        const list = await expectApi(gateway, 200, 'GET', `/v1/accounts/${A.id}/credentials`, A.key);
        assert.ok(
          !(list.body.data as { identifier: string }[]).some((c) => c.identifier === taken),
          list.text,
        );
        assert.equal(
          (await credentials.verify(kind, taken, assigned.body.secret)).accountId,
          B.id,
          `${kind}: B still authenticates`,
        );
      }
    });

    it('a client gets a generated login identifier, and may re-issue one it holds', async () => {
      for (const kind of ['smpp', 'account_password'] as const) {
        const first = await create(A.key, A.id, { kind });
        assert.equal(first.status, 201, first.text);
        const identifier = first.body.identifier as string;
        assert.ok(
          identifier.length >= 8,
          `a generated identifier is long enough not to guess: ${identifier}`,
        );
        if (kind === 'smpp') assert.ok(identifier.length <= 15, 'fits a system_id');
        else assert.match(identifier, /^\d+$/, 'an account number is digits');
        assert.equal((await credentials.verify(kind, identifier, first.body.secret)).accountId, A.id);
        // Its own live identifier: a plain conflict, since A may see it.
        const again = await create(A.key, A.id, { kind, identifier });
        assert.equal(again.status, 409, again.text);
        assert.equal(again.body.error.code, 'credential_exists');
        // Revoked, it may be issued again with a new secret (its SMPP client keeps the system_id).
        await expectApi(gateway, 204, 'DELETE', `/v1/accounts/${A.id}/credentials/${first.body.id}`, A.key);
        const reissued = await create(A.key, A.id, { kind, identifier });
        assert.equal(reissued.status, 201, reissued.text);
        assert.equal((await credentials.verify(kind, identifier, reissued.body.secret)).accountId, A.id);
        // Its partner may move it to another of its clients once revoked; another partner may not use it.
        await expectApi(
          gateway,
          204,
          'DELETE',
          `/v1/accounts/${A.id}/credentials/${reissued.body.id}`,
          P.key,
        );
        const byQ = await create(Q.key, B.id, { kind, identifier });
        assert.equal(byQ.status, 403, byQ.text);
        const moved = await create(P.key, A2.id, { kind, identifier });
        assert.equal(moved.status, 201, moved.text);
      }
    });

    it('a conflict with a credential the caller cannot see answers as an identifier it does not own', async () => {
      // An admin account placed in X is invisible to X's partner (docs/permissions.md).
      const hidden = await createAccountApi(gateway, ADMIN, {
        name: 'Admin in X',
        role: 'admin',
        tenantId: X,
      });
      const held = await create(ADMIN, hidden.id, {
        kind: 'application_key',
        identifier: X,
        environment: 'staging',
      });
      assert.equal(held.status, 201, held.text);
      const clash = await create(P.key, A.id, {
        kind: 'application_key',
        identifier: X,
        environment: 'staging',
      });
      const foreign = await create(P.key, A.id, {
        kind: 'application_key',
        identifier: Y,
        environment: 'staging',
      });
      assert.equal(clash.status, 403, clash.text);
      assert.deepEqual(refusal(clash), {
        ...refusal(foreign),
        message: foreign.body.error.message.replace(Y, X),
      });
      assert.ok(!clash.text.includes(hidden.id), clash.text);
      // The admin, who sees everything, gets the plain conflict.
      const byAdmin = await create(ADMIN, A.id, {
        kind: 'application_key',
        identifier: X,
        environment: 'staging',
      });
      assert.equal(byAdmin.status, 409, byAdmin.text);
    });

    it('keeps at most one live credential per identifier under concurrent creation', async () => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => create(ADMIN, A.id, { kind: 'smpp', identifier: 'racer' })),
      );
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409], answers.map((a) => a.text).join('\n'));
    });
  },
  describe,
);
