/**
 * Credential checks compare in constant time: API keys (SHA-256, then crypto.timingSafeEqual),
 * people-chosen secrets (scrypt, then timingSafeEqual) and webhook signatures. Node's
 * timingSafeEqual is wrapped (a spy on Node's crypto, not on gateway code) to prove the decision
 * is made by it; and a check of an identifier that does not exist still runs the slow hash, so its
 * failure takes as long as a wrong password.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { apiKeyMatches, generateApiKey } from '../../src/accounts/api-keys.js';
import { DialectCredentials } from '../../src/accounts/dialect-credentials.js';
import { hashSecret, secretHashCount, secretMatches } from '../../src/accounts/secret-hash.js';
import { AuthenticationError } from '../../src/core/errors.js';
import { signPayload, verifySignature } from '../../src/webhooks/signing.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';

/** Counts calls of crypto.timingSafeEqual, visible to modules that imported it by name. */
function spyTimingSafeEqual(): { calls: () => number } {
  const spy = mock.method(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  return { calls: () => spy.mock.callCount() };
}

afterEach(() => {
  mock.restoreAll();
  syncBuiltinESMExports();
});

describe('constant-time comparisons', () => {
  it('API keys: a right key, a wrong key of the same shape, and junk are decided by timingSafeEqual', () => {
    const { key, hash } = generateApiKey();
    const other = generateApiKey().key;
    const spy = spyTimingSafeEqual();
    assert.equal(apiKeyMatches(key, hash), true);
    assert.equal(apiKeyMatches(other, hash), false);
    assert.equal(apiKeyMatches(`${key.slice(0, -1)}x`, hash), false);
    assert.equal(spy.calls(), 3, 'every comparison goes through timingSafeEqual');
  });

  it('scrypt secrets: right and wrong (same and other length) are decided by timingSafeEqual', async () => {
    const stored = await hashSecret('correct horse');
    const spy = spyTimingSafeEqual();
    assert.equal(await secretMatches('correct horse', stored), true);
    assert.equal(await secretMatches('correct horsf', stored), false);
    assert.equal(await secretMatches('x', stored), false);
    assert.equal(spy.calls(), 3);
  });

  it('webhook signatures are verified with timingSafeEqual', () => {
    const now = Date.now();
    const timestamp = Math.floor(now / 1000);
    const good = `v1=${signPayload('whsec', timestamp, 'body')}`;
    const spy = spyTimingSafeEqual();
    assert.equal(verifySignature('whsec', 'body', String(timestamp), good, 300, now), true);
    assert.equal(
      verifySignature('whsec', 'body', String(timestamp), `${good.slice(0, -1)}0`, 300, now),
      good.endsWith('0'),
    );
    assert.equal(spy.calls(), 2);
  });
});

describe('dialect credentials: an unknown identifier costs what a wrong secret costs', () => {
  let store: TestStore;
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
  });
  after(async () => {
    await store.destroy();
  });

  it('runs one scrypt check and one constant-time comparison either way', async () => {
    const credentials = new DialectCredentials(store);
    for (const identifier of ['nobody-has-this-login', 'nor-this-one']) {
      const hashesBefore = secretHashCount();
      const spy = spyTimingSafeEqual();
      await assert.rejects(credentials.check('kannel', identifier, 'guess'), AuthenticationError);
      assert.equal(secretHashCount() - hashesBefore, 1, 'the dummy hash was checked');
      assert.equal(spy.calls(), 1);
      mock.restoreAll();
      syncBuiltinESMExports();
    }
  });
});
