// The cache of verified (credential, secret) pairs on its own, with real scrypt hashes and a clock
// the test moves: how long a pair is remembered, how many are, and that only matches are.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { hashSecret, secretHashCount } from '../../../src/accounts/secret-hash.js';
import { VerifiedSecretCache } from '../../../src/api/dialects/accolades/verified-secret-cache.js';
import type { CredentialRow } from '../../../src/store/queries/credentials.js';

async function credential(id: string, secret: string): Promise<CredentialRow> {
  return {
    id,
    account_id: 'acc_1',
    kind: 'account_password',
    identifier: `number-${id}`,
    environment: '',
    secret_hash: await hashSecret(secret),
    created_at: 0,
    revoked_at: null,
    default_region: null,
  };
}

/** Runs `fn` and returns how many scrypt computations it took. */
async function hashesOf(fn: () => Promise<unknown>): Promise<number> {
  const before = secretHashCount();
  await fn();
  return secretHashCount() - before;
}

describe('verified secret cache', () => {
  let a: CredentialRow;
  let b: CredentialRow;
  let c: CredentialRow;
  before(async () => {
    [a, b, c] = await Promise.all([
      credential('a', 'secret a'),
      credential('b', 'secret b'),
      credential('c', 'secret c'),
    ]);
  });

  it('remembers a match for ttlMs, then hashes again', async () => {
    let now = 1_000;
    const cache = new VerifiedSecretCache({ ttlMs: 60_000, maxEntries: 10 }, () => now);
    assert.equal(await hashesOf(() => cache.matches('secret a', a)), 1);
    now += 59_999;
    assert.equal(await hashesOf(() => cache.matches('secret a', a)), 0);
    now += 1;
    assert.equal(await hashesOf(() => cache.matches('secret a', a)), 1, 'expired');
    assert.deepEqual(cache.stats(), { hits: 1, misses: 2, entries: 1 });
  });

  it('never remembers a miss, and a match under one credential says nothing of another', async () => {
    const cache = new VerifiedSecretCache({ ttlMs: 60_000, maxEntries: 10 });
    for (let i = 0; i < 3; i++) {
      assert.equal(await cache.matches('wrong', a), false);
    }
    assert.equal(cache.stats().entries, 0);
    assert.equal(await cache.matches('secret a', a), true);
    assert.equal(await cache.matches('secret a', b), false);
    // The same id with another stored hash (a credential issued again) is another pair.
    const reissued = { ...a, secret_hash: await hashSecret('another secret') };
    assert.equal(
      await hashesOf(async () => assert.equal(await cache.matches('secret a', reissued), false)),
      1,
    );
  });

  it('holds at most maxEntries, dropping the oldest first', async () => {
    const cache = new VerifiedSecretCache({ ttlMs: 60_000, maxEntries: 2 });
    await cache.matches('secret a', a);
    await cache.matches('secret b', b);
    await cache.matches('secret c', c);
    assert.equal(cache.stats().entries, 2);
    assert.equal(await hashesOf(() => cache.matches('secret c', c)), 0);
    assert.equal(await hashesOf(() => cache.matches('secret b', b)), 0);
    assert.equal(await hashesOf(() => cache.matches('secret a', a)), 1, 'the oldest was dropped');
  });

  it('ttlMs 0 turns it off: every check hashes', async () => {
    const cache = new VerifiedSecretCache({ ttlMs: 0, maxEntries: 10 });
    assert.equal(await hashesOf(() => cache.matches('secret a', a)), 1);
    assert.equal(await hashesOf(() => cache.matches('secret a', a)), 1);
    assert.deepEqual(cache.stats(), { hits: 0, misses: 2, entries: 0 });
  });
});
