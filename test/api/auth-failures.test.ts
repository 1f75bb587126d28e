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

  it('answers 429 to an address after repeated failures, even with good credentials, and not to others', async () => {
    const bad = { authorization: 'Bearer sk_wrongwrong_abcdefghijklmnopqrstuvwxyz' };
    for (let i = 0; i < 3; i++)
      assert.equal((await list(bad, '10.1.1.1')).statusCode, 401, `failure ${i + 1}`);
    const refused = await list(ADMIN_AUTH, '10.1.1.1');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error.code, 'too_many_failed_authentications');
    assert.ok(Number(refused.headers['retry-after']) >= 1, 'retry-after is set');
    assert.equal((await list(ADMIN_AUTH, '10.2.2.2')).statusCode, 200, 'another address is unaffected');
  });

  it('counts failures per window and forgets them when it ends', () => {
    const limiter = new AuthFailureLimiter(2, 1000);
    const t = 1_000_000;
    limiter.failed('a', t);
    limiter.check('a', t);
    limiter.failed('a', t + 10);
    assert.throws(() => limiter.check('a', t + 20), /Too many failed authentications/);
    limiter.check('a', t + 1000);
    limiter.check('b', t + 20);
    const off = new AuthFailureLimiter(0);
    for (let i = 0; i < 100; i++) off.failed('a', t);
    off.check('a', t);
  });
});
