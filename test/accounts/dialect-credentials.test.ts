import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DialectCredentials } from '../../src/accounts/dialect-credentials.js';
import { AuthenticationError } from '../../src/core/errors.js';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';

await describeEachDatabase(
  'dialect credentials',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let credentials: DialectCredentials;
    let accountId: string;
    let clientAuth: { authorization: string };
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      credentials = new DialectCredentials(store);
      const created = await gateway.http.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: ADMIN_AUTH,
        payload: { name: 'accolades customer', role: 'client' },
      });
      accountId = created.json().id;
      clientAuth = { authorization: `Bearer ${created.json().apiKey.key}` };
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const create = (payload: Record<string, unknown>, headers = ADMIN_AUTH) =>
      gateway.http.inject({ method: 'POST', url: `/v1/accounts/${accountId}/credentials`, headers, payload });

    it('creates an account number + API password, shows the secret once, and verifies it', async () => {
      const response = await create({
        kind: 'account_password',
        identifier: '12345678',
        secret: 'correct horse',
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().secret, 'correct horse');
      const principal = await credentials.verify('account_password', '12345678', 'correct horse');
      assert.equal(principal.accountId, accountId);
      assert.equal(principal.role, 'client');
      await assert.rejects(
        credentials.verify('account_password', '12345678', 'wrong horse'),
        AuthenticationError,
      );
      await assert.rejects(
        credentials.verify('account_password', '99999999', 'correct horse'),
        AuthenticationError,
      );
      const list = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${accountId}/credentials`,
        headers: clientAuth,
      });
      assert.equal(list.statusCode, 200);
      assert.ok(
        !list.body.includes('correct horse') && !list.body.includes('scrypt'),
        'no secret or hash listed',
      );
    });

    it('keeps application keys per environment and generates the secret when none is given', async () => {
      const prod = await create({
        kind: 'application_key',
        identifier: 'tenant-7',
        environment: 'production',
      });
      const test = await create({ kind: 'application_key', identifier: 'tenant-7', environment: 'test' });
      assert.equal(prod.statusCode, 201);
      assert.equal(test.statusCode, 201);
      const prodKey = prod.json().secret as string;
      assert.ok(prodKey.length >= 24, 'a generated key is long');
      assert.equal(
        (await credentials.verify('application_key', 'tenant-7', prodKey, 'production')).accountId,
        accountId,
      );
      await assert.rejects(
        credentials.verify('application_key', 'tenant-7', prodKey, 'test'),
        AuthenticationError,
      );
      const duplicate = await create({
        kind: 'application_key',
        identifier: 'tenant-7',
        environment: 'production',
      });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json().error.code, 'credential_exists');
    });

    it('respects SMPP field limits and revokes at once', async () => {
      const tooLong = await create({ kind: 'smpp', identifier: 'a-system-id-longer-than-15' });
      assert.equal(tooLong.statusCode, 400);
      const smpp = await create({ kind: 'smpp', identifier: 'acme' });
      assert.equal(smpp.statusCode, 201);
      const password = smpp.json().secret as string;
      assert.ok(password.length <= 8, 'SMPP passwords fit 8 characters');
      assert.equal((await credentials.verify('smpp', 'acme', password)).accountId, accountId);
      const revoked = await gateway.http.inject({
        method: 'DELETE',
        url: `/v1/accounts/${accountId}/credentials/${smpp.json().id}`,
        headers: ADMIN_AUTH,
      });
      assert.equal(revoked.statusCode, 204);
      await assert.rejects(credentials.verify('smpp', 'acme', password), AuthenticationError);
    });

    it('refuses a disabled account and never writes secrets to the audit log', async () => {
      const created = await create({
        kind: 'account_password',
        identifier: '55555555',
        secret: 'secret number five',
      });
      assert.equal(created.statusCode, 201);
      const disabled = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${accountId}`,
        headers: ADMIN_AUTH,
        payload: { disabled: true },
      });
      assert.equal(disabled.statusCode, 200);
      await assert.rejects(
        credentials.verify('account_password', '55555555', 'secret number five'),
        AuthenticationError,
      );
      const auditLog = await gateway.http.inject({
        method: 'GET',
        url: '/v1/audit?limit=1000',
        headers: ADMIN_AUTH,
      });
      assert.ok(auditLog.body.includes('credential.create'), 'credential creation is audited');
      assert.ok(
        !auditLog.body.includes('secret number five') && !auditLog.body.includes('correct horse'),
        'no secrets',
      );
    });
  },
  describe,
);
