// Seed 003's password check on a real gateway: one answer and one hash for every failure (unknown
// account number or wrong password alike), and a cache of verified pairs that makes the right
// password cheap without ever letting a wrong one, a revoked credential or a disabled account in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { secretHashCount } from '../../../src/accounts/secret-hash.js';
import { accountPasswordCheck } from '../../../src/api/dialects/accolades/account-password-check.js';
import type { Gateway } from '../../../src/gateway.js';
import { revokeCredential } from '../../../src/store/queries/credentials.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../../helpers/gateway.js';
import {
  type AccoladesAccount,
  assertError,
  assertOk,
  freshAccountNumber,
  provisionAccolades,
  sendForm,
} from './accolades-support.js';

const WRONG = /^Wrong account number or password$/;

await describeEachDatabase(
  'accolades password check and its cache',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let caller: AccoladesAccount;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      caller = await provisionAccolades(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const send = (accountNumber: string, password: string) =>
      gateway.http.inject(
        sendForm(accountNumber, { password, phoneNumber: '+447911123456', message: 'auth test' }),
      );
    /** What requests cost the check: scrypt computations, and answers from the cache. */
    async function work<T>(fn: () => Promise<T>): Promise<{ result: T; hashed: number; hits: number }> {
      const hashesBefore = secretHashCount();
      const hitsBefore = accountPasswordCheck(gateway).cache.stats().hits;
      const result = await fn();
      return {
        result,
        hashed: secretHashCount() - hashesBefore,
        hits: accountPasswordCheck(gateway).cache.stats().hits - hitsBefore,
      };
    }
    const admin = (method: 'PATCH' | 'DELETE' | 'POST', url: string, payload?: unknown) =>
      gateway.http.inject({
        method,
        url,
        headers: ADMIN_AUTH,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });

    it('an unknown account number gets exactly the wrong password’s answer, after the same work', async () => {
      const wrong = await work(() => send(caller.accountNumber, 'not the password'));
      const unknown = await work(() => send(freshAccountNumber(), caller.password));
      for (const { result } of [wrong, unknown]) assertError(result, 401, WRONG);
      assert.equal(unknown.result.body, wrong.result.body);
      assert.deepEqual(
        [unknown.result.statusCode, unknown.result.headers['content-type']],
        [wrong.result.statusCode, wrong.result.headers['content-type']],
      );
      // One slow hash each (a dummy one for the unknown number), never a shortcut from the cache.
      assert.deepEqual([wrong.hashed, wrong.hits], [1, 0]);
      assert.deepEqual([unknown.hashed, unknown.hits], [1, 0]);
      // Failures are never remembered: the same unknown number costs a full hash again.
      const again = await work(() => send('000000000000', caller.password));
      const againToo = await work(() => send('000000000000', caller.password));
      assert.deepEqual([again.hashed, againToo.hashed, againToo.hits], [1, 1, 0]);
    });

    it('a missing or empty password is a 401 that names the parameter', async () => {
      for (const response of [
        await gateway.http.inject(
          sendForm(caller.accountNumber, { phoneNumber: '+447911123456', message: 'x' }),
        ),
        await send(caller.accountNumber, ''),
        await gateway.http.inject({ method: 'POST', url: `/${caller.accountNumber}/sms/send` }),
      ]) {
        assertError(
          response,
          401,
          /^The password parameter is missing: send password, phoneNumber and message/,
        );
      }
    });

    it('the right password is hashed once, then answered from the cache', async () => {
      const account = await provisionAccolades(gateway);
      const first = await work(() => send(account.accountNumber, account.password));
      assertOk(first.result);
      assert.deepEqual([first.hashed, first.hits], [1, 0]);
      const later = await work(async () => {
        for (let i = 0; i < 5; i++) assertOk(await send(account.accountNumber, account.password));
      });
      assert.deepEqual([later.hashed, later.hits], [0, 5]);
    });

    it('concurrent first requests with one new pair share one hash', async () => {
      const account = await provisionAccolades(gateway);
      const burst = await work(() =>
        Promise.all(Array.from({ length: 20 }, () => send(account.accountNumber, account.password))),
      );
      for (const response of burst.result) assertOk(response);
      assert.equal(burst.hashed, 1);
    });

    it('a cached password never lets a different secret through', async () => {
      const account = await provisionAccolades(gateway, { password: 'Correct Horse 42' });
      assertOk(await send(account.accountNumber, account.password));
      for (const guess of ['Correct Horse 4', 'Correct Horse 42 ', 'correct horse 42', 'Correct Horse 420']) {
        const attempt = await work(() => send(account.accountNumber, guess));
        assertError(attempt.result, 401, WRONG);
        assert.deepEqual([attempt.hashed, attempt.hits], [1, 0], guess);
      }
      // Nor the right secret under another account number.
      assertError(await send(caller.accountNumber, account.password), 401, WRONG);
    });

    it('a revoked credential fails at once though its password was cached; one issued again has its own', async () => {
      const account = await provisionAccolades(gateway);
      assertOk(await send(account.accountNumber, account.password));
      assertOk(await send(account.accountNumber, account.password));
      const revoked = await admin(
        'DELETE',
        `/v1/accounts/${account.accountId}/credentials/${account.credentialId}`,
      );
      assert.equal(revoked.statusCode, 204, revoked.body);
      const after = await work(() => send(account.accountNumber, account.password));
      assertError(after.result, 401, WRONG);
      assert.deepEqual([after.hashed, after.hits], [1, 0], 'answered as an unknown number');

      // Issued again under the same number with a new password: the old one stays out, cache or not.
      const reissued = await admin('POST', `/v1/accounts/${account.accountId}/credentials`, {
        kind: 'account_password',
        identifier: account.accountNumber,
        secret: 'a brand new password',
      });
      assert.equal(reissued.statusCode, 201, reissued.body);
      assertError(await send(account.accountNumber, account.password), 401, WRONG);
      assertOk(await send(account.accountNumber, 'a brand new password'));
    });

    it('a disabled account fails at once though its password was cached, and works again when enabled', async () => {
      const account = await provisionAccolades(gateway);
      assertOk(await send(account.accountNumber, account.password));
      assert.equal(
        (await admin('PATCH', `/v1/accounts/${account.accountId}`, { disabled: true })).statusCode,
        200,
      );
      const disabled = await work(() => send(account.accountNumber, account.password));
      assertError(disabled.result, 401, WRONG);
      // A wrong password for a disabled account costs the hash too, so timing does not tell it is disabled.
      const wrong = await work(() => send(account.accountNumber, 'wrong'));
      assertError(wrong.result, 401, WRONG);
      assert.equal(wrong.hashed, 1);
      assert.equal(
        (await admin('PATCH', `/v1/accounts/${account.accountId}`, { disabled: false })).statusCode,
        200,
      );
      assertOk(await send(account.accountNumber, account.password));
    });

    it('a client suspended by its disabled partner fails at once, cache or not', async () => {
      const partner = await admin('POST', '/v1/accounts', { name: 'reseller', role: 'partner' });
      assert.equal(partner.statusCode, 201, partner.body);
      const tenant = await admin('POST', '/v1/tenants', {
        name: 'reseller customer',
        partnerAccountId: partner.json().id,
      });
      assert.equal(tenant.statusCode, 201, tenant.body);
      const client = await provisionAccolades(gateway, { tenantId: tenant.json().id });
      assertOk(await send(client.accountNumber, client.password));
      assert.equal(
        (await admin('PATCH', `/v1/accounts/${partner.json().id}`, { disabled: true })).statusCode,
        200,
      );
      assertError(await send(client.accountNumber, client.password), 401, WRONG);
      assert.equal(
        (await admin('PATCH', `/v1/accounts/${partner.json().id}`, { disabled: false })).statusCode,
        200,
      );
      assertOk(await send(client.accountNumber, client.password));
    });
  },
  describe,
);

await describeEachDatabase(
  'accolades password cache and other nodes',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { credentialCache: { ttlMs: 1_000 } } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('a credential revoked by another node (straight in the shared store) stops working once ttlMs is over', async () => {
      const account = await provisionAccolades(gateway);
      const send = () =>
        gateway.http.inject(
          sendForm(account.accountNumber, {
            password: account.password,
            phoneNumber: '+447911123456',
            message: 'x',
          }),
        );
      assertOk(await send());
      assertOk(await send());
      assert.ok(accountPasswordCheck(gateway).cache.stats().hits >= 1, 'answered from the cache');
      // What another gateway process does on DELETE …/credentials/:id: this node is not told.
      await revokeCredential(store, account.accountId, account.credentialId, Date.now());
      await waitFor(
        async () => ((await send()).statusCode === 401 ? true : undefined),
        10_000,
        'the revoked credential refused after the cache entry expired',
      );
      assertError(await send(), 401, WRONG);
    });
  },
  describe,
);
