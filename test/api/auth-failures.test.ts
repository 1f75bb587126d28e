import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthFailureLimiter } from '../../src/accounts/auth-failure-limiter.js';
import type { Gateway } from '../../src/gateway.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';

describe('failed authentication limit', () => {
  let store: TestStore;
  let gateway: Gateway;
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store, { config: { maxFailedAuthPerMinute: 3 } });
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
  });

  const list = (headers: Record<string, string>, remoteAddress: string) =>
    gateway.http.inject({ method: 'GET', url: '/v1/messages', headers, remoteAddress });

  it('answers 429 to a credential that keeps failing from an address, not to other credentials (a shared proxy)', async () => {
    const bad = { authorization: 'Bearer sk_wrongwrong_abcdefghijklmnopqrstuvwxyz' };
    for (let i = 0; i < 3; i++)
      assert.equal((await list(bad, '10.1.1.1')).statusCode, 401, `failure ${i + 1}`);
    const refused = await list(bad, '10.1.1.1');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error.code, 'too_many_failed_authentications');
    assert.ok(Number(refused.headers['retry-after']) >= 1, 'retry-after is set');
    // The valid admin key from the same address still passes: only the failing credential waits.
    assert.equal((await list(ADMIN_AUTH, '10.1.1.1')).statusCode, 200, 'a valid key is not locked out');
    assert.equal((await list(bad, '10.2.2.2')).statusCode, 401, 'another address is unaffected');
  });

  it('refuses a whole address that sprays many different credentials (10 × the limit)', async () => {
    for (let i = 0; i < 30; i++) {
      const key = `sk_spray${String(i).padStart(6, '0')}_abcdefghijklmnopqrstuvwxyz`;
      assert.equal((await list({ authorization: `Bearer ${key}` }, '10.3.3.3')).statusCode, 401, `key ${i}`);
    }
    const sprayed = await list(ADMIN_AUTH, '10.3.3.3');
    assert.equal(sprayed.statusCode, 429, 'past 10 × 3 failures the address waits, whatever it sends');
    assert.equal((await list(ADMIN_AUTH, '10.4.4.4')).statusCode, 200);
  });

  it('counts failures per window and credential and forgets them when the window ends', () => {
    const limiter = new AuthFailureLimiter(2, 1000);
    const t = 1_000_000;
    limiter.failed('a', 'key:x', t);
    limiter.check('a', 'key:x', t);
    limiter.failed('a', 'key:x', t + 10);
    assert.throws(() => limiter.check('a', 'key:x', t + 20), /Too many failed authentications/);
    limiter.check('a', 'key:y', t + 20);
    limiter.check('a', 'key:x', t + 1000);
    limiter.check('b', 'key:x', t + 20);
    const off = new AuthFailureLimiter(0);
    for (let i = 0; i < 100; i++) off.failed('a', 'key:x', t);
    off.check('a', 'key:x', t);
  });
});

describe('failed authentication limit behind a trusted reverse proxy (trustProxy)', () => {
  let store: TestStore;
  let gateway: Gateway;
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store, {
      config: { maxFailedAuthPerMinute: 3, trustProxy: ['127.0.0.1', '10.100.0.0/16'] },
    });
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
  });

  const bad = { authorization: 'Bearer sk_wrongwrong_abcdefghijklmnopqrstuvwxyz' };
  const via = (remoteAddress: string, forwardedFor: string, headers: Record<string, string>) =>
    gateway.http.inject({
      method: 'GET',
      url: '/v1/messages',
      headers: { ...headers, 'x-forwarded-for': forwardedFor },
      remoteAddress,
    });

  it('counts failures against the client X-Forwarded-For names when the hop is a trusted proxy', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await via('127.0.0.1', '203.0.113.5', bad)).statusCode, 401);
    assert.equal((await via('127.0.0.1', '203.0.113.5', bad)).statusCode, 429);
    // Another client behind the same proxy, with the same wrong key, is its own client.
    assert.equal((await via('10.100.3.4', '203.0.113.6', bad)).statusCode, 401);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await via('198.51.100.9', `192.0.2.${i}`, bad)).statusCode, 401, `attempt ${i + 1}`);
    }
    // Forging a new X-Forwarded-For each time did not help: the peer's own address is counted.
    assert.equal((await via('198.51.100.9', '192.0.2.77', bad)).statusCode, 429);
  });

  it('refuses a trustProxy entry that is not an address or a range at start', async () => {
    const { buildConfig } = await import('../../src/config/load-config.js');
    assert.throws(
      () => buildConfig({ trustProxy: ['proxy.example'] }),
      /trustProxy\.0: an IP address or a CIDR range/,
    );
  });
});
