// The cache of verified (identifier, secret) pairs on its own, with real scrypt checks and a clock
// the test moves: how long a pair is remembered, how many are, that only successes are, and that
// clearing it forgets even a check that was running.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { hashSecret, secretHashCount, secretMatches } from '../../../src/accounts/secret-hash.js';
import { VerifiedCredentialCache } from '../../../src/api/dialects/accolades/verified-credential-cache.js';
import { AuthenticationError } from '../../../src/core/errors.js';

const stored = new Map<string, string>();

/** The real check the cache stands in front of: a scrypt comparison, 401 when it fails. */
function checkOf(identifier: string, secret: string): () => Promise<string> {
  return async () => {
    const hash = stored.get(identifier);
    if (!(await secretMatches(secret, hash ?? 'scrypt$00$00')) || !hash) throw new AuthenticationError();
    return `caller ${identifier}`;
  };
}

/** Runs `fn` and returns how many scrypt computations it took. */
async function hashesOf(fn: () => Promise<unknown>): Promise<number> {
  const before = secretHashCount();
  await fn();
  return secretHashCount() - before;
}

describe('verified credential cache', () => {
  before(async () => {
    for (const id of ['a', 'b', 'c']) stored.set(id, await hashSecret(`secret ${id}`));
  });

  const verify = (cache: VerifiedCredentialCache<string>, id: string, secret = `secret ${id}`) =>
    cache.verify(id, secret, checkOf(id, secret));

  it('remembers a success for ttlMs, then checks again', async () => {
    let now = 1_000;
    const cache = new VerifiedCredentialCache<string>({ ttlMs: 5_000, maxEntries: 10 }, () => now);
    assert.equal(await hashesOf(async () => assert.equal(await verify(cache, 'a'), 'caller a')), 1);
    now += 4_999;
    assert.equal(await hashesOf(async () => assert.equal(await verify(cache, 'a'), 'caller a')), 0);
    now += 1;
    assert.equal(await hashesOf(() => verify(cache, 'a')), 1, 'expired');
    assert.deepEqual(cache.stats(), { hits: 1, misses: 2, entries: 1 });
  });

  it('never remembers a failure; a secret verified for one identifier says nothing of another', async () => {
    const cache = new VerifiedCredentialCache<string>({ ttlMs: 5_000, maxEntries: 10 });
    for (let i = 0; i < 3; i++) {
      const hashes = await hashesOf(() => assert.rejects(verify(cache, 'a', 'wrong'), AuthenticationError));
      assert.equal(hashes, 1, 'every failure is checked again');
    }
    assert.equal(cache.stats().entries, 0);
    await verify(cache, 'a');
    await assert.rejects(verify(cache, 'b', 'secret a'), AuthenticationError);
    // Identifier and secret cannot run into each other: "a" + "b…" is not "ab" + "…".
    await assert.rejects(cache.verify('ab', 'ecret a', checkOf('ab', 'ecret a')), AuthenticationError);
  });

  it('holds at most maxEntries, dropping the oldest first', async () => {
    const cache = new VerifiedCredentialCache<string>({ ttlMs: 5_000, maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) await verify(cache, id);
    assert.equal(cache.stats().entries, 2);
    assert.equal(await hashesOf(() => verify(cache, 'c')), 0);
    assert.equal(await hashesOf(() => verify(cache, 'b')), 0);
    assert.equal(await hashesOf(() => verify(cache, 'a')), 1, 'the oldest was dropped');
  });

  it('concurrent checks of one new pair share one run', async () => {
    const cache = new VerifiedCredentialCache<string>({ ttlMs: 5_000, maxEntries: 10 });
    let runs = 0;
    const check = checkOf('a', 'secret a');
    const counted = () => {
      runs++;
      return check();
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => cache.verify('a', 'secret a', counted)),
    );
    assert.deepEqual(new Set(answers), new Set(['caller a']));
    assert.equal(runs, 1);
  });

  it('clear() forgets every pair, and a check running meanwhile is not remembered', async () => {
    const cache = new VerifiedCredentialCache<string>({ ttlMs: 5_000, maxEntries: 10 });
    await verify(cache, 'a');
    cache.clear();
    assert.equal(cache.stats().entries, 0);
    const running = verify(cache, 'b');
    cache.clear();
    assert.equal(await running, 'caller b', 'the running check still answers its own request');
    assert.equal(cache.stats().entries, 0);
    assert.equal(await hashesOf(() => verify(cache, 'b')), 1, 'checked again after the clear');
  });

  it('ttlMs 0 turns it off: every verify checks', async () => {
    const cache = new VerifiedCredentialCache<string>({ ttlMs: 0, maxEntries: 10 });
    assert.equal(await hashesOf(() => verify(cache, 'a')), 1);
    assert.equal(await hashesOf(() => verify(cache, 'a')), 1);
    assert.deepEqual(cache.stats(), { hits: 0, misses: 2, entries: 0 });
  });
});
