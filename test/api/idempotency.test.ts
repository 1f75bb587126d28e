import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import {
  assertError,
  countStoredMessages,
  createAccount,
  type Headers,
  listAllIds,
  NUMBERS,
  sendMessages,
} from './support.js';

await describeEachDatabase(
  'Idempotency-Key on POST /v1/messages',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    /** A fresh account per test, so GET /v1/messages counts only what the test created. */
    const fresh = async (): Promise<Headers> => (await createAccount(store)).auth;
    const withKey = (auth: Headers, key: string): Headers => ({ ...auth, 'idempotency-key': key });
    const body = { to: [NUMBERS.delivered, NUMBERS.delivered2], text: 'pay once', clientRef: 'inv-1' };

    it('same key + same body → the same response (same ids), replayed, and one set of messages', async () => {
      const auth = await fresh();
      const first = await sendMessages(gateway, body, withKey(auth, 'key-1'));
      assert.equal(first.statusCode, 202, first.body);
      assert.equal(first.headers['idempotent-replayed'], undefined, 'the first response is not a replay');
      const ids = (first.json().messages as { id: string }[]).map((m) => m.id);
      assert.equal(ids.length, 2);

      for (let i = 0; i < 3; i++) {
        const again = await sendMessages(gateway, body, withKey(auth, 'key-1'));
        assert.equal(again.statusCode, 202, again.body);
        assert.equal(again.headers['idempotent-replayed'], 'true');
        assert.match(String(again.headers['content-type']), /^application\/json/);
        assert.deepEqual(again.json(), first.json());
      }
      assert.deepEqual((await listAllIds(gateway, {}, auth)).sort(), [...ids].sort());
    });

    it('same key + different body → 409 idempotency_key_reused, nothing new stored', async () => {
      const auth = await fresh();
      const first = await sendMessages(gateway, body, withKey(auth, 'key-2'));
      assert.equal(first.statusCode, 202, first.body);
      const stored = await countStoredMessages(store);
      for (const other of [
        { ...body, text: 'pay twice' },
        { ...body, to: NUMBERS.delivered },
        { ...body, clientRef: 'inv-2' },
      ]) {
        const response = await sendMessages(gateway, other, withKey(auth, 'key-2'));
        assertError(response, 409, { code: 'idempotency_key_reused' });
        assert.equal(response.headers['idempotent-replayed'], undefined);
      }
      assert.equal(await countStoredMessages(store), stored);
      assert.equal((await listAllIds(gateway, {}, auth)).length, 2);
    });

    it('different keys create separate messages; no key creates new messages every time', async () => {
      const auth = await fresh();
      const a = await sendMessages(gateway, body, withKey(auth, 'key-a'));
      const b = await sendMessages(gateway, body, withKey(auth, 'key-b'));
      const c = await sendMessages(gateway, body, auth);
      const d = await sendMessages(gateway, body, auth);
      for (const r of [a, b, c, d]) assert.equal(r.statusCode, 202, r.body);
      assert.equal((await listAllIds(gateway, {}, auth)).length, 8);
    });

    it('a key belongs to its account: another account using it gets its own messages', async () => {
      const alice = await fresh();
      const bob = await fresh();
      const a = await sendMessages(gateway, body, withKey(alice, 'shared-key'));
      const b = await sendMessages(gateway, body, withKey(bob, 'shared-key'));
      assert.equal(a.statusCode, 202, a.body);
      assert.equal(b.statusCode, 202, b.body);
      assert.equal(b.headers['idempotent-replayed'], undefined);
      assert.notDeepEqual(a.json(), b.json());
      assert.equal((await listAllIds(gateway, {}, alice)).length, 2);
      assert.equal((await listAllIds(gateway, {}, bob)).length, 2);
    });

    it('a request refused as invalid does not use up its key', async () => {
      const auth = await fresh();
      const bad = await sendMessages(gateway, { ...body, to: 'not a number' }, withKey(auth, 'key-3'));
      assertError(bad, 400, { field: 'to' });
      const good = await sendMessages(gateway, body, withKey(auth, 'key-3'));
      assert.equal(good.statusCode, 202, good.body);
      assert.equal(good.headers['idempotent-replayed'], undefined);
      assert.equal((await listAllIds(gateway, {}, auth)).length, 2);
    });

    it('concurrent requests with one key create the messages once and all get the same answer', async () => {
      const auth = await fresh();
      // Warm the credentials cache so the five requests really race each other.
      assert.equal(
        (await sendMessages(gateway, { to: NUMBERS.delivered, text: 'warm' }, auth)).statusCode,
        202,
      );
      let expected = 1;
      for (let round = 0; round < 3; round++) {
        const key = `race-${round}`;
        const responses = await Promise.all(
          Array.from({ length: 5 }, () => sendMessages(gateway, body, withKey(auth, key))),
        );
        for (const r of responses) assert.equal(r.statusCode, 202, r.body);
        expected += 2;
        assert.equal(
          (await listAllIds(gateway, {}, auth)).length,
          expected,
          `round ${round}: five requests with one key must store one set of two messages`,
        );
        const bodies = new Set(responses.map((r) => r.body));
        assert.equal(bodies.size, 1, `round ${round}: ${bodies.size} different responses to one key`);
        assert.equal(
          responses.filter((r) => r.headers['idempotent-replayed'] === 'true').length,
          4,
          'all but the first are replays',
        );
      }
    });

    /** Moves a stored key's response back in time: the store is the clock the expiry reads. */
    const ageKey = async (accountId: string, key: string, byMs: number) => {
      const result = await store.db
        .updateTable('idempotency_keys')
        .set((eb) => ({ created_at: eb('created_at', '-', byMs) }))
        .where('account_id', '=', accountId)
        .where('key', '=', key)
        .executeTakeFirst();
      assert.equal(Number(result.numUpdatedRows), 1, 'the key was stored');
    };
    const DAY_MS = 24 * 3600 * 1000; // the default idempotencyTtlSeconds (docs/api.md)

    it('a key younger than the TTL still replays; once past it the key is free again, through the API', async () => {
      const { accountId, auth } = await createAccount(store);
      const first = await sendMessages(gateway, body, withKey(auth, 'key-ttl'));
      assert.equal(first.statusCode, 202, first.body);

      await ageKey(accountId, 'key-ttl', DAY_MS - 60_000);
      const young = await sendMessages(gateway, body, withKey(auth, 'key-ttl'));
      assert.equal(young.headers['idempotent-replayed'], 'true', 'a minute before expiry it still replays');
      assert.deepEqual(young.json(), first.json());
      assertError(await sendMessages(gateway, { ...body, text: 'other' }, withKey(auth, 'key-ttl')), 409, {
        code: 'idempotency_key_reused',
      });

      await ageKey(accountId, 'key-ttl', 120_000);
      // Expired: a different request with the key is a new request, not a 409 …
      const other = { ...body, text: 'a new month' };
      const fresh = await sendMessages(gateway, other, withKey(auth, 'key-ttl'));
      assert.equal(fresh.statusCode, 202, fresh.body);
      assert.equal(fresh.headers['idempotent-replayed'], undefined);
      assert.notDeepEqual(fresh.json(), first.json());
      assert.equal((await listAllIds(gateway, {}, auth)).length, 4, 'two messages each time');
      // … and its response replaced the expired one: the key now replays the new request.
      const replay = await sendMessages(gateway, other, withKey(auth, 'key-ttl'));
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replay.json(), fresh.json());
      assertError(await sendMessages(gateway, body, withKey(auth, 'key-ttl')), 409, {
        code: 'idempotency_key_reused',
      });
      assert.equal((await listAllIds(gateway, {}, auth)).length, 4);
    });

    it('a malformed Idempotency-Key → 400 naming it, nothing stored', async () => {
      const auth = await fresh();
      for (const key of ['has space', 'x'.repeat(256), 'tab\there', 'ключ']) {
        const response = await gateway.http.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: { ...auth, 'idempotency-key': encodeHeader(key) },
          payload: body,
        });
        assertError(response, 400, { field: 'Idempotency-Key' });
      }
      assert.equal((await listAllIds(gateway, {}, auth)).length, 0);
    });

    it('a key of 255 printable characters is fine', async () => {
      const response = await sendMessages(gateway, body, withKey(ADMIN_AUTH, 'k'.repeat(255)));
      assert.equal(response.statusCode, 202, response.body);
    });
  },
  describe,
);

/** Header values must be latin1 on the wire; a non-ASCII key arrives as its UTF-8 bytes. */
function encodeHeader(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}
