import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
import {
  assertError,
  createAccount,
  get,
  getMessage,
  type Headers,
  isoIn,
  listAllIds,
  listMessages,
  type MessageView,
  NUMBERS,
  ONE_HOUR_MS,
  sendOk,
  sendOne,
  waitForStatus,
} from './support.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

await describeEachDatabase(
  'GET /v1/messages/:id',
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

    it('shows a delivered message with its history in order (ISO times) and its parts', async () => {
      const id = await sendOne(gateway, { to: NUMBERS.delivered, text: 'read me' });
      const m = await waitForStatus(gateway, id, 'delivered');
      assert.equal(m.id, id);
      assert.equal(m.to, NUMBERS.delivered);
      assert.equal(m.text, 'read me');
      assert.equal(m.encoding, 'gsm7');
      assert.equal(m.segments, 1);
      assert.equal(m.connector, 'sim');
      assert.equal(m.route, 'default');
      for (const field of ['createdAt', 'updatedAt', 'sentAt', 'finalAt', 'expiresAt'] as const) {
        assert.match(String(m[field]), ISO, field);
      }
      assert.ok(Date.parse(m.sentAt!) >= Date.parse(m.createdAt), 'sent before it was created');
      assert.ok(Date.parse(m.finalAt!) >= Date.parse(m.sentAt!), 'final before it was sent');

      assert.deepEqual(
        m.history!.map((h) => h.status),
        ['queued', 'sending', 'sent', 'delivered'],
      );
      const times = m.history!.map((h) => {
        assert.match(h.at, ISO);
        return Date.parse(h.at);
      });
      for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, `history out of order`);
      assert.equal(m.history![0]!.at, m.createdAt);

      assert.equal(m.parts!.length, 1);
      const [part] = m.parts!;
      assert.equal(part!.index, 0);
      assert.equal(part!.connector, 'sim');
      assert.match(part!.upstreamId, /^sim-/);
    });

    it('a message not yet sent has no parts and null sentAt/finalAt', async () => {
      const id = await sendOne(gateway, {
        to: NUMBERS.delivered,
        text: 'later',
        scheduleAt: isoIn(ONE_HOUR_MS),
      });
      const m = await getMessage(gateway, id);
      assert.equal(m.status, 'scheduled');
      assert.deepEqual(m.parts, []);
      assert.equal(m.sentAt, null);
      assert.equal(m.finalAt, null);
      assert.equal(m.attempts, 0);
      assert.deepEqual(
        m.history!.map((h) => h.status),
        ['scheduled'],
      );
    });

    it('404 not_found for an unknown id', async () => {
      for (const id of ['msg_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nope', 'msg_']) {
        assertError(await get(gateway, `/v1/messages/${id}`), 404, { code: 'not_found' });
      }
    });

    it("404 for another account's message, and that account sees its own", async () => {
      const other = await createAccount(store);
      const adminMessage = await sendOne(gateway, { to: NUMBERS.delivered, text: 'admin only' });
      assertError(await get(gateway, `/v1/messages/${adminMessage}`, other.auth), 404, { code: 'not_found' });

      const clientMessage = await sendOne(gateway, { to: NUMBERS.delivered, text: 'client' }, other.auth);
      const seen = await getMessage(gateway, clientMessage, other.auth);
      assert.equal(seen.text, 'client');
      assertError(await get(gateway, `/v1/messages/${clientMessage}`), 404, { code: 'not_found' });
    });
  },
  describe,
);

await describeEachDatabase(
  'GET /v1/messages (list)',
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

    /** A fresh account, so each test sees exactly the messages it created. */
    const freshAccount = async (): Promise<Headers> => (await createAccount(store)).auth;

    const dataOf = (response: Awaited<ReturnType<typeof listMessages>>) => {
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { data: MessageView[]; nextCursor: string | null };
    };

    it('lists only the caller’s messages, newest first, with nextCursor null when all fit', async () => {
      const auth = await freshAccount();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(await sendOne(gateway, { to: NUMBERS.delivered, text: `n${i}` }, auth));
      await sendOne(gateway, { to: NUMBERS.delivered, text: 'someone else' });
      const body = dataOf(await listMessages(gateway, {}, auth));
      assert.deepEqual(
        body.data.map((m) => m.id),
        [...ids].reverse(),
      );
      assert.equal(body.nextCursor, null);
      assert.equal(body.data[0]!.text, 'n2');
      assert.equal(body.data[0]!.history, undefined, 'list items carry no history');
    });

    it('an account with no messages gets an empty list', async () => {
      const auth = await freshAccount();
      assert.deepEqual(dataOf(await listMessages(gateway, {}, auth)), { data: [], nextCursor: null });
    });

    it('paginates with limit and nextCursor: every message exactly once, newest first', async () => {
      const auth = await freshAccount();
      const created: string[] = [];
      for (let i = 0; i < 4; i++) {
        const batch = await sendOk(
          gateway,
          { to: [NUMBERS.delivered, NUMBERS.delivered2, NUMBERS.delivered3], text: `page ${i}` },
          auth,
        );
        created.push(...batch.map((m) => m.id));
      }
      const expected = [...created].sort().reverse();
      for (const limit of [1, 2, 5, 12, 13, 100]) {
        const seen = await listAllIds(gateway, { limit }, auth);
        assert.deepEqual(seen, expected, `limit ${limit}`);
      }
      const first = dataOf(await listMessages(gateway, { limit: 5 }, auth));
      assert.equal(first.data.length, 5);
      assert.equal(typeof first.nextCursor, 'string');
      const last = dataOf(await listMessages(gateway, { limit: 12 }, auth));
      assert.equal(last.data.length, 12);
      assert.equal(last.nextCursor, null, 'no next page when exactly the last message was shown');
    });

    it('pagination combines with a filter', async () => {
      const auth = await freshAccount();
      const tagged: string[] = [];
      for (let i = 0; i < 5; i++) {
        tagged.push(await sendOne(gateway, { to: NUMBERS.delivered, text: 't', clientRef: 'tag' }, auth));
        await sendOne(gateway, { to: NUMBERS.delivered, text: 'u', clientRef: 'other' }, auth);
      }
      assert.deepEqual(
        await listAllIds(gateway, { clientRef: 'tag', limit: 2 }, auth),
        [...tagged].reverse(),
      );
    });

    it('filters by status', async () => {
      const auth = await freshAccount();
      const ok = await sendOne(gateway, { to: NUMBERS.delivered, text: 'ok' }, auth);
      const bad = await sendOne(gateway, { to: NUMBERS.undelivered, text: 'bad' }, auth);
      const later = await sendOne(
        gateway,
        { to: NUMBERS.delivered, text: 'l', scheduleAt: isoIn(ONE_HOUR_MS) },
        auth,
      );
      await waitForStatus(gateway, ok, 'delivered', auth);
      await waitForStatus(gateway, bad, 'undelivered', auth);
      const by = async (status: string) =>
        dataOf(await listMessages(gateway, { status }, auth)).data.map((m) => m.id);
      assert.deepEqual(await by('delivered'), [ok]);
      assert.deepEqual(await by('undelivered'), [bad]);
      assert.deepEqual(await by('scheduled'), [later]);
      assert.deepEqual(await by('canceled'), []);
    });

    it('filters by recipient (E.164)', async () => {
      const auth = await freshAccount();
      const [a, b] = await sendOk(gateway, { to: [NUMBERS.delivered, NUMBERS.delivered2], text: 'to' }, auth);
      const by = async (to: string) =>
        dataOf(await listMessages(gateway, { to }, auth)).data.map((m) => m.id);
      assert.deepEqual(await by(NUMBERS.delivered), [a!.id]);
      assert.deepEqual(await by(NUMBERS.delivered2), [b!.id]);
      assert.deepEqual(await by(NUMBERS.delivered3), []);
    });

    it('filters by clientRef', async () => {
      const auth = await freshAccount();
      const one = await sendOne(gateway, { to: NUMBERS.delivered, text: 'c', clientRef: 'ref-1' }, auth);
      const two = await sendOne(gateway, { to: NUMBERS.delivered, text: 'c', clientRef: 'ref-2' }, auth);
      const by = async (clientRef: string) =>
        dataOf(await listMessages(gateway, { clientRef }, auth)).data.map((m) => m.id);
      assert.deepEqual(await by('ref-1'), [one]);
      assert.deepEqual(await by('ref-2'), [two]);
      assert.deepEqual(await by('ref-3'), []);
    });

    it('filters by since (inclusive) and until (exclusive) creation time', async () => {
      const auth = await freshAccount();
      const [early] = await sendOk(gateway, { to: NUMBERS.delivered, text: 'early' }, auth);
      const earlyAt = Date.parse(early!.createdAt);
      await waitFor(() => (Date.now() > earlyAt + 1 ? true : undefined));
      const boundary = new Date().toISOString();
      await waitFor(() => (Date.now() > Date.parse(boundary) ? true : undefined));
      const [late] = await sendOk(gateway, { to: NUMBERS.delivered, text: 'late' }, auth);
      assert.ok(
        Date.parse(late!.createdAt) > Date.parse(boundary),
        'late message created after the boundary',
      );

      const by = async (query: Record<string, string>) =>
        dataOf(await listMessages(gateway, query, auth)).data.map((m) => m.id);
      assert.deepEqual(await by({ since: boundary }), [late!.id]);
      assert.deepEqual(await by({ until: boundary }), [early!.id]);
      assert.deepEqual(await by({ since: early!.createdAt }), [late!.id, early!.id], 'since is inclusive');
      assert.deepEqual(await by({ until: early!.createdAt }), [], 'until is exclusive');
      assert.deepEqual(await by({ since: early!.createdAt, until: boundary }), [early!.id]);
      assert.deepEqual(await by({ since: isoIn(ONE_HOUR_MS) }), []);
    });

    it('a cursor that this API did not return → 400 naming cursor', async () => {
      const garbage = [
        'not-a-cursor',
        '!!!',
        Buffer.from('msg_short').toString('base64url'),
        Buffer.from('select * from messages').toString('base64url'),
      ];
      for (const cursor of garbage) {
        assertError(await listMessages(gateway, { cursor }), 400, { field: 'cursor' });
      }
    });

    it('bad filters → 400 naming the parameter', async () => {
      const cases: { query: Record<string, string>; field: string }[] = [
        { query: { status: 'nope' }, field: 'status' },
        { query: { status: 'DELIVERED' }, field: 'status' },
        { query: { limit: '0' }, field: 'limit' },
        { query: { limit: '1001' }, field: 'limit' },
        { query: { limit: 'ten' }, field: 'limit' },
        { query: { limit: '2.5' }, field: 'limit' },
        { query: { since: 'yesterday' }, field: 'since' },
        { query: { since: '2026-01-01T00:00:00' }, field: 'since' },
        { query: { until: '2026-01-01' }, field: 'until' },
        { query: { bogus: '1' }, field: 'bogus' },
      ];
      for (const c of cases) {
        assertError(await listMessages(gateway, c.query), 400, { field: c.field });
      }
    });

    it('a repeated query parameter → 400, not a crash', async () => {
      assertError(await get(gateway, '/v1/messages?status=queued&status=sent'), 400, { field: 'status' });
    });
  },
  describe,
);
