/** Opt-outs managed through the API: POST/GET/DELETE /v1/opt-outs, and who may manage whose. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { assertError, createAccount, sendMessages, sendOk } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH } from '../helpers/gateway.js';
import { countMessages, freshNumber, optedOutNumbers, request, startInboundGateway } from './support.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

await describeEachDatabase(
  'opt-outs API',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let alice: Awaited<ReturnType<typeof createAccount>>;
    let bob: Awaited<ReturnType<typeof createAccount>>;

    before(async () => {
      store = await db.open();
      gateway = await startInboundGateway(store);
      alice = await createAccount(store);
      bob = await createAccount(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('POST adds (201, then 200 created:false), sends are refused, DELETE lifts (204, then 404)', async () => {
      const number = freshNumber();
      const spaced = `+44 7911 ${number.slice(7)}`;
      const first = await request(gateway, 'POST', '/v1/opt-outs', { number: spaced }, alice.auth);
      assert.equal(first.statusCode, 201, first.body);
      assert.deepEqual(first.json(), { accountId: alice.accountId, number, created: true });
      const again = await request(gateway, 'POST', '/v1/opt-outs', { number }, alice.auth);
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json(), { accountId: alice.accountId, number, created: false });

      const list = await optedOutNumbers(gateway, alice.auth);
      assert.equal(list.accountId, alice.accountId);
      const entries = list.data.filter((o) => o.number === number);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.source, 'api');
      assert.equal(entries[0]!.inboundId, null);
      assert.match((entries[0] as unknown as { createdAt: string }).createdAt, ISO);

      const before = await countMessages(store);
      assertError(await sendMessages(gateway, { to: number, text: 'hi' }, alice.auth), 400, {
        code: 'recipient_opted_out',
        field: 'to',
      });
      assertError(
        await sendMessages(gateway, { to: [freshNumber(), freshNumber(), number], text: 'hi' }, alice.auth),
        400,
        { code: 'recipient_opted_out', field: 'to[2]' },
      );
      assert.equal(await countMessages(store), before);
      await sendOk(gateway, { to: number, text: 'bob is not affected' }, bob.auth);

      const removed = await request(
        gateway,
        'DELETE',
        `/v1/opt-outs/${encodeURIComponent(number)}`,
        undefined,
        alice.auth,
      );
      assert.equal(removed.statusCode, 204, removed.body);
      assert.equal(removed.body, '');
      assertError(
        await request(gateway, 'DELETE', `/v1/opt-outs/${encodeURIComponent(number)}`, undefined, alice.auth),
        404,
      );
      assert.ok(!(await optedOutNumbers(gateway, alice.auth)).data.some((o) => o.number === number));
      await sendOk(gateway, { to: number, text: 'welcome back' }, alice.auth);
    });

    it('DELETE reads the number like any other (a literal + in the path works too)', async () => {
      const number = freshNumber();
      assert.equal((await request(gateway, 'POST', '/v1/opt-outs', { number }, alice.auth)).statusCode, 201);
      const removed = await request(gateway, 'DELETE', `/v1/opt-outs/${number}`, undefined, alice.auth);
      assert.equal(removed.statusCode, 204, removed.body);
      await sendOk(gateway, { to: number, text: 'ok' }, alice.auth);
    });

    it('refuses a bad number with 400 naming the field `number`, and bad bodies', async () => {
      for (const number of ['+447700900123', 'not a number', '12345']) {
        assertError(await request(gateway, 'POST', '/v1/opt-outs', { number }, alice.auth), 400, {
          field: 'number',
        });
      }
      assertError(
        await request(gateway, 'POST', '/v1/opt-outs', { number: '+447700900123' }, alice.auth),
        400,
        {
          code: 'invalid_number',
          field: 'number',
        },
      );
      assertError(await request(gateway, 'POST', '/v1/opt-outs', {}, alice.auth), 400, { field: 'number' });
      assertError(
        await request(gateway, 'POST', '/v1/opt-outs', { number: freshNumber(), note: 'x' }, alice.auth),
        400,
        { code: 'unknown_field', field: 'note' },
      );
      assertError(
        await request(
          gateway,
          'DELETE',
          `/v1/opt-outs/${encodeURIComponent('+447700900123')}`,
          undefined,
          alice.auth,
        ),
        400,
        { field: 'number' },
      );
      assert.deepEqual(
        (await optedOutNumbers(gateway, alice.auth)).data.filter((o) => o.number.startsWith('+447700')),
        [],
      );
    });

    it('a client cannot see or manage another account’s opt-outs', async () => {
      const number = freshNumber();
      assert.equal((await request(gateway, 'POST', '/v1/opt-outs', { number }, bob.auth)).statusCode, 201);

      assertError(
        await request(
          gateway,
          'POST',
          '/v1/opt-outs',
          { number: freshNumber(), accountId: bob.accountId },
          alice.auth,
        ),
        404,
      );
      assertError(
        await request(
          gateway,
          'DELETE',
          `/v1/opt-outs/${encodeURIComponent(number)}?accountId=${bob.accountId}`,
          undefined,
          alice.auth,
        ),
        404,
      );
      assertError(
        await request(gateway, 'GET', `/v1/opt-outs?accountId=${bob.accountId}`, undefined, alice.auth),
        404,
      );
      // Alice deleting "her" opt-out of that number deletes nothing of Bob's.
      assertError(
        await request(gateway, 'DELETE', `/v1/opt-outs/${encodeURIComponent(number)}`, undefined, alice.auth),
        404,
      );
      assert.ok((await optedOutNumbers(gateway, bob.auth)).data.some((o) => o.number === number));
      assert.ok(!(await optedOutNumbers(gateway, alice.auth)).data.some((o) => o.number === number));
      assertError(await sendMessages(gateway, { to: number, text: 'x' }, bob.auth), 400, {
        code: 'recipient_opted_out',
      });
      await sendOk(gateway, { to: number, text: 'alice may' }, alice.auth);
    });

    it('an admin manages any account’s opt-outs with accountId', async () => {
      const number = freshNumber();
      const added = await request(gateway, 'POST', '/v1/opt-outs', { number, accountId: alice.accountId });
      assert.equal(added.statusCode, 201, added.body);
      assert.equal(added.json().accountId, alice.accountId);
      const listed = await optedOutNumbers(gateway, ADMIN_AUTH, alice.accountId);
      assert.equal(listed.accountId, alice.accountId);
      assert.ok(listed.data.some((o) => o.number === number));
      assertError(await sendMessages(gateway, { to: number, text: 'x' }, alice.auth), 400, {
        code: 'recipient_opted_out',
      });
      await sendOk(gateway, { to: number, text: 'admin itself may' });
      const removed = await request(
        gateway,
        'DELETE',
        `/v1/opt-outs/${encodeURIComponent(number)}?accountId=${alice.accountId}`,
      );
      assert.equal(removed.statusCode, 204, removed.body);
      await sendOk(gateway, { to: number, text: 'x' }, alice.auth);
      assertError(await request(gateway, 'GET', '/v1/opt-outs?accountId=acc_nosuchaccount'), 404);
    });
  },
  describe,
);
