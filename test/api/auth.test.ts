import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import {
  assertError,
  bearer,
  countStoredMessages,
  createAccount,
  type Headers,
  isoIn,
  NUMBERS,
  ONE_HOUR_MS,
  sendOne,
} from './support.js';

const basic = (user: string, password: string): Headers => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

await describeEachDatabase(
  'authentication of the /v1 API',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let messageId: string;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      messageId = await sendOne(gateway, {
        to: NUMBERS.delivered,
        text: 'x',
        scheduleAt: isoIn(ONE_HOUR_MS),
      });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    /** Every protected route, with a body that would be valid. */
    const routes = () => [
      { method: 'GET' as const, url: '/v1/messages' },
      { method: 'GET' as const, url: `/v1/messages/${messageId}` },
      { method: 'POST' as const, url: '/v1/messages', payload: { to: NUMBERS.delivered, text: 'hi' } },
      { method: 'POST' as const, url: '/v1/messages/preview', payload: { text: 'hi' } },
      { method: 'POST' as const, url: `/v1/messages/${messageId}/cancel` },
      { method: 'GET' as const, url: '/v1/stats' },
    ];

    const call = (route: ReturnType<typeof routes>[number], headers: Headers) =>
      gateway.http.inject({ ...route, headers });

    /** Asserts 401 with the challenge header, and that nothing was stored or canceled. */
    const assertRefused = async (headers: Headers) => {
      const stored = await countStoredMessages(store);
      for (const route of routes()) {
        const response = await call(route, headers);
        assertError(response, 401, { code: 'unauthenticated' });
        assert.match(
          String(response.headers['www-authenticate']),
          /^Bearer realm=/,
          `${route.method} ${route.url}`,
        );
      }
      assert.equal(await countStoredMessages(store), stored, 'a refused request stored something');
      const message = await gateway.http.inject({
        method: 'GET',
        url: `/v1/messages/${messageId}`,
        headers: ADMIN_AUTH,
      });
      assert.equal(message.json().status, 'scheduled', 'a refused cancel canceled the message');
    };

    it('no Authorization header → 401 with www-authenticate on every route', async () => {
      await assertRefused({});
    });

    it('a well-formed but wrong key → 401', async () => {
      await assertRefused(bearer(`${TEST_ADMIN_KEY.slice(0, -1)}6`));
      await assertRefused(bearer('sk_unknown000_abcdefghijklmnopqrstuvwxyz012345'));
    });

    it('a malformed key → 401', async () => {
      for (const key of ['nope', 'sk_short_x', `${TEST_ADMIN_KEY} extra`, 'sk__', '']) {
        await assertRefused({ authorization: `Bearer ${key}` });
      }
    });

    it('an unsupported or empty scheme → 401', async () => {
      for (const authorization of [`Token ${TEST_ADMIN_KEY}`, TEST_ADMIN_KEY, 'Bearer', ' ', 'Digest x=y']) {
        await assertRefused({ authorization });
      }
    });

    it('the scheme name is case-insensitive', async () => {
      const response = await gateway.http.inject({
        method: 'GET',
        url: '/v1/messages',
        headers: { authorization: `bearer ${TEST_ADMIN_KEY}` },
      });
      assert.equal(response.statusCode, 200, response.body);
    });

    it('Basic admin:<key> works; Basic with a wrong account id or no colon → 401', async () => {
      const ok = await gateway.http.inject({
        method: 'GET',
        url: `/v1/messages/${messageId}`,
        headers: basic('admin', TEST_ADMIN_KEY),
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().id, messageId);

      await assertRefused(basic('someone-else', TEST_ADMIN_KEY));
      await assertRefused(basic('', TEST_ADMIN_KEY));
      await assertRefused(basic('admin', 'wrong'));
      await assertRefused({ authorization: `Basic ${Buffer.from(TEST_ADMIN_KEY).toString('base64')}` });
      await assertRefused({ authorization: 'Basic %%%not-base64%%%' });
    });

    it('Basic with a client account id and its key works and acts as that account', async () => {
      const client = await createAccount(store);
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: basic(client.accountId, client.key),
        payload: { to: NUMBERS.delivered, text: 'from client' },
      });
      assert.equal(response.statusCode, 202, response.body);
      const id = response.json().messages[0].id;
      const own = await gateway.http.inject({
        method: 'GET',
        url: `/v1/messages/${id}`,
        headers: client.auth,
      });
      assert.equal(own.statusCode, 200);
      // The admin key with the client's account id is not the client.
      await assertRefused(basic(client.accountId, TEST_ADMIN_KEY));
    });

    it('a key of a disabled account, or a revoked key → 401', async () => {
      const disabled = await createAccount(store, { disabled: true });
      await assertRefused(disabled.auth);
      const revoked = await createAccount(store, { revoked: true });
      await assertRefused(revoked.auth);
    });

    it('credentials are checked before the body: no auth + bad body → 401, not 400', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        payload: { nonsense: true },
      });
      assertError(response, 401, { code: 'unauthenticated' });
    });

    it('/health and /ready need no credentials and return 200', async () => {
      for (const headers of [{}, { authorization: 'Bearer garbage' }]) {
        const health = await gateway.http.inject({ method: 'GET', url: '/health', headers });
        assert.equal(health.statusCode, 200, health.body);
        assert.deepEqual(health.json(), { status: 'ok' });
        const ready = await gateway.http.inject({ method: 'GET', url: '/ready', headers });
        assert.equal(ready.statusCode, 200, ready.body);
        assert.deepEqual(ready.json(), { status: 'ready', checks: { store: 'ok', connectors: 'ok' } });
      }
    });

    it('an unknown route → 404 in the native error shape', async () => {
      assertError(await gateway.http.inject({ method: 'GET', url: '/v1/nothing-here' }), 404, {
        code: 'not_found',
      });
      assertError(
        await gateway.http.inject({ method: 'DELETE', url: '/v1/messages', headers: ADMIN_AUTH }),
        404,
        {
          code: 'not_found',
        },
      );
    });
  },
  describe,
);
