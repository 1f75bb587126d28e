// Dashboard sign-in and sessions through the real HTTP server (inject) on a real store: the
// cookie's flags, CSRF refusals on forms and script requests, and a session that ends with its key.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { countStoredMessages } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { createApiAccount, dashboardApi, loginForm, postLogin, setCookie, signIn } from './support.js';

await describeEachDatabase(
  'dashboard sessions',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { trustProxy: ['127.0.0.1'] } });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('the session cookie is HttpOnly, SameSite=Strict, scoped to /dashboard, and Secure over HTTPS', async () => {
      const response = await postLogin(gateway, TEST_ADMIN_KEY);
      assert.equal(response.statusCode, 303, response.body);
      assert.equal(response.headers.location, '/dashboard/overview');
      const cookie = setCookie(response, 'smsgate_session');
      assert.ok(cookie, String(response.headers['set-cookie']));
      const flags = cookie.split(';').map((part) => part.trim());
      assert.match(flags[0]!, /^smsgate_session=[A-Za-z0-9_-]{43}$/);
      assert.ok(flags.includes('HttpOnly'), cookie);
      assert.ok(flags.includes('SameSite=Strict'), cookie);
      assert.ok(flags.includes('Path=/dashboard'), cookie);
      assert.ok(!flags.includes('Secure'), 'plain HTTP: a Secure cookie would never come back');
      assert.ok(!cookie.includes(TEST_ADMIN_KEY), 'the key is not in the cookie');

      const form = await loginForm(gateway);
      const overHttps = await gateway.http.inject({
        method: 'POST',
        url: '/dashboard/login',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: form.cookie,
          'x-forwarded-proto': 'https',
        },
        payload: new URLSearchParams({ apiKey: TEST_ADMIN_KEY, csrf: form.token }).toString(),
      });
      assert.equal(overHttps.statusCode, 303, overHttps.body);
      assert.ok(setCookie(overHttps, 'smsgate_session')?.split('; ').includes('Secure'));
    });

    it('a login without its CSRF token, or with a wrong key, creates no session', async () => {
      const form = await loginForm(gateway);
      const noToken = await gateway.http.inject({
        method: 'POST',
        url: '/dashboard/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
        payload: new URLSearchParams({ apiKey: TEST_ADMIN_KEY }).toString(),
      });
      assert.equal(noToken.statusCode, 403);
      assert.equal(setCookie(noToken, 'smsgate_session'), undefined);
      // A token without its cookie (a form posted from another site) is refused as well.
      const noCookie = await gateway.http.inject({
        method: 'POST',
        url: '/dashboard/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ apiKey: TEST_ADMIN_KEY, csrf: form.token }).toString(),
      });
      assert.equal(noCookie.statusCode, 403);
      assert.equal(setCookie(noCookie, 'smsgate_session'), undefined);

      const wrongKey = await postLogin(gateway, 'sk_testadmin0_wrongwrongwrongwrongwrongwrong');
      assert.equal(wrongKey.statusCode, 401);
      assert.match(wrongKey.body, /not accepted/);
      assert.equal(setCookie(wrongKey, 'smsgate_session'), undefined);
    });

    it('pages without a session redirect to the sign-in page; script requests get 401', async () => {
      const page = await gateway.http.inject({ method: 'GET', url: '/dashboard/messages' });
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/dashboard/login');
      const api = await gateway.http.inject({
        method: 'GET',
        url: '/dashboard/api/v1/messages',
        headers: { cookie: 'smsgate_session=made-up-session-id' },
      });
      assert.equal(api.statusCode, 401);
      assert.equal(api.json().error.code, 'unauthenticated');
    });

    it('script requests without the CSRF token, or with another session’s, are refused and change nothing', async () => {
      const client = await createApiAccount(gateway, { name: 'csrf client' });
      const session = await signIn(gateway, client.key);
      const other = await signIn(gateway, client.key);
      const before = await countStoredMessages(store);
      const body = { to: '+447911123456', text: 'should never be sent' };
      for (const csrf of [false, 'x', other.csrf] as const) {
        const response = await dashboardApi(gateway, session, 'POST', '/dashboard/api/v1/messages', body, {
          csrf,
        });
        assert.equal(response.statusCode, 403, response.body);
        assert.equal(response.json().error.code, 'csrf_failed');
      }
      const read = await dashboardApi(gateway, session, 'GET', '/dashboard/api/v1/messages', undefined, {
        csrf: false,
      });
      assert.equal(read.statusCode, 403, 'reads need the token too: a cookie alone opens nothing');
      const upload = await dashboardApi(
        gateway,
        session,
        'POST',
        '/dashboard/api/uploads/rows',
        { fileHash: `sha256:${'a'.repeat(64)}`, rows: [{ row: 1, message: body }] },
        { csrf: false },
      );
      assert.equal(upload.statusCode, 403, upload.body);
      assert.equal(await countStoredMessages(store), before, 'nothing was stored');

      // Signing out is a form with the token too: without it the session lives on.
      const logout = await gateway.http.inject({
        method: 'POST',
        url: '/dashboard/logout',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
        payload: '',
      });
      assert.equal(logout.statusCode, 403);
      const still = await dashboardApi(gateway, session, 'GET', '/dashboard/api/v1/messages');
      assert.equal(still.statusCode, 200, still.body);

      const sent = await dashboardApi(gateway, session, 'POST', '/dashboard/api/v1/messages', body);
      assert.equal(sent.statusCode, 202, sent.body);
      assert.equal(await countStoredMessages(store), before + 1);
    });

    it('signing out ends the session', async () => {
      const session = await signIn(gateway, TEST_ADMIN_KEY);
      const logout = await gateway.http.inject({
        method: 'POST',
        url: '/dashboard/logout',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
        payload: new URLSearchParams({ csrf: session.csrf }).toString(),
      });
      assert.equal(logout.statusCode, 303);
      assert.match(String(setCookie(logout, 'smsgate_session')), /Max-Age=0/);
      const after = await dashboardApi(gateway, session, 'GET', '/dashboard/api/v1/messages');
      assert.equal(after.statusCode, 401);
    });

    it('a session ends as soon as its key is revoked', async () => {
      const client = await createApiAccount(gateway, { name: 'revoked later' });
      const session = await signIn(gateway, client.key);
      assert.equal(
        (await dashboardApi(gateway, session, 'GET', '/dashboard/api/v1/messages')).statusCode,
        200,
      );
      const keys = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${client.id}/keys`,
        headers: ADMIN_AUTH,
      });
      const keyId = (keys.json() as { data: { id: string }[] }).data[0]!.id;
      const revoke = await gateway.http.inject({
        method: 'DELETE',
        url: `/v1/accounts/${client.id}/keys/${keyId}`,
        headers: ADMIN_AUTH,
      });
      assert.equal(revoke.statusCode, 204, revoke.body);
      assert.equal(
        (await dashboardApi(gateway, session, 'GET', '/dashboard/api/v1/messages')).statusCode,
        401,
      );
      const page = await gateway.http.inject({
        method: 'GET',
        url: '/dashboard/overview',
        headers: { cookie: session.cookie },
      });
      assert.equal(page.statusCode, 303);
    });

    it('a key failing sign-in too often is slowed down as the API slows it down (429)', async () => {
      const limitedStore = await db.open();
      const limited = await startTestGateway(limitedStore, { config: { maxFailedAuthPerMinute: 2 } });
      try {
        const wrong = 'sk_guessguess_wrongwrongwrongwrongwrong';
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await postLogin(limited, wrong)).statusCode);
        assert.deepEqual(statuses, [401, 401, 429]);
        // The same key through the API is refused too: one limiter for both.
        const api = await limited.http.inject({
          method: 'GET',
          url: '/v1/messages',
          headers: { authorization: `Bearer ${wrong}` },
        });
        assert.equal(api.statusCode, 429);
      } finally {
        await limited.stop(false);
        await limitedStore.destroy();
      }
    });

    it('pages carry a script-only CSP and never show the key', async () => {
      const session = await signIn(gateway, TEST_ADMIN_KEY);
      const page = await gateway.http.inject({
        method: 'GET',
        url: '/dashboard/compose',
        headers: { cookie: session.cookie },
      });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(page.headers['x-frame-options'], 'DENY');
      assert.ok(!page.body.includes(TEST_ADMIN_KEY));
      assert.ok(!/<script>/.test(page.body), 'no inline script');
    });
  },
  describe,
);
