// Jasmin's HTTP and REST APIs request by request, with the request and response strings of
// Jasmin's documentation (misc/doc/sources/apis/http/index.rst and apis/rest/index.rst), section
// by section: "Sending SMS-MT" / "HTTP request parameters" (the example `/send?username=foo&
// password=bar&to=…&content=hello`, sdt, validity-period, hex-content), "HTTP response" (its
// `Success "<id>"` and each `Error "…"` of its table), "Checking account balance" (`{"balance":
// 100.0, "sms_count": "ND"}`), "Checking rate price" (`{"submit_sm_count": 2, "unit_rate": 2.8}`),
// and the REST API's "Send a single message" / "Send multiple messages". Refusals store nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import {
  assertJasminError,
  assertSuccess,
  jasminGet,
  jasminRest,
  provisionJasmin,
} from './jasmin-support.js';

async function messageCount(store: TestStore): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function message(store: TestStore, id: string) {
  return store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

await describeEachDatabase(
  'jasmin HTTP and REST APIs, as Jasmin documents them',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: { defaultRegion: 'GB', routes: [{ prefix: '+44', connector: 'sim' }] },
      });
      // The docs' user: foo / bar.
      await provisionJasmin(gateway, { username: 'foo', password: 'bar' });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('"Sending SMS-MT": /send?username=foo&password=bar&to=…&content=hello is 200 Success "<id>"', async () => {
      const id = assertSuccess(
        await gateway.http.inject(
          jasminGet('/send', 'username=foo&password=bar&to=07911123456&content=hello'),
        ),
      );
      const row = await message(store, id);
      assert.equal(row.body, 'hello');
      assert.equal(row.to_number, '+447911123456');
      // The docs' curl example, as a POST form.
      const posted = await gateway.http.inject({
        method: 'POST',
        url: '/send',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload:
          'username=foo&password=bar&dlr=yes&dlr-level=3&to=447911123457&from=InfoMessage&dlr-url=http://exemple.com/dlr.php&content=hello !',
      });
      const postedRow = await message(store, assertSuccess(posted));
      assert.equal(postedRow.sender, 'InfoMessage');
      assert.equal(postedRow.body, 'hello !');
      assert.equal(postedRow.callback_url, 'http://exemple.com/dlr.php');
      assert.equal(postedRow.callback_format, 'jasmin:3:GET');
    });

    it('"HTTP request parameters": sdt (relative), validity-period (minutes), hex-content with coding 8, priority', async () => {
      const scheduled = await message(
        store,
        assertSuccess(
          await gateway.http.inject(
            jasminGet('/send', {
              username: 'foo',
              password: 'bar',
              to: '447911123456',
              content: 'x',
              sdt: '000000000100000R',
            }),
          ),
        ),
      );
      assert.equal(scheduled.status, 'scheduled');
      assert.ok(Math.abs((scheduled.schedule_at ?? 0) - (Date.now() + 60_000)) < 10_000);
      const valid = await message(
        store,
        assertSuccess(
          await gateway.http.inject(
            jasminGet('/send', {
              username: 'foo',
              password: 'bar',
              to: '447911123456',
              content: 'x',
              'validity-period': '1440',
            }),
          ),
        ),
      );
      assert.ok(Math.abs(valid.expires_at - valid.created_at - 86_400_000) < 5_000);
      const arabic = await message(
        store,
        assertSuccess(
          await gateway.http.inject(
            jasminGet('/send', {
              username: 'foo',
              password: 'bar',
              to: '447911123456',
              coding: '8',
              'hex-content': '0623063106460628',
              priority: '2',
            }),
          ),
        ),
      );
      assert.equal(arabic.body, 'أرنب');
      assert.equal(arabic.priority, 3, 'priority 2 is the urgent lane (rank 3)');
    });

    it('"HTTP response": each error of the table, with its status, storing nothing', async () => {
      const before = await messageCount(store);
      const base = { username: 'foo', password: 'bar', to: '447911123456', content: 'x' };
      const cases: [Record<string, string>, number, string][] = [
        [{ ...base, color: 'blue' }, 400, 'Argument color is unknown.'],
        [{ username: 'foo', password: 'bar', content: 'x' }, 400, 'Mandatory argument to is not found.'],
        [
          { username: 'foo', password: 'bar', to: '447911123456' },
          400,
          'Mandatory argument content is not found.',
        ],
        [{ ...base, coding: '11' }, 400, 'Argument coding has an invalid value: 11.'],
        [{ ...base, priority: '4' }, 400, 'Argument priority has an invalid value: 4.'],
        [{ ...base, dlr: 'maybe' }, 400, 'Argument dlr has an invalid value: maybe.'],
        [{ ...base, 'dlr-level': '4' }, 400, 'Argument dlr-level has an invalid value: 4.'],
        [{ ...base, 'dlr-method': 'PUT' }, 400, 'Argument dlr-method has an invalid value: PUT.'],
        [{ ...base, sdt: 'tomorrow' }, 400, 'Argument sdt has an invalid value: tomorrow.'],
        [{ ...base, password: 'wrong' }, 403, 'Authentication failure for username:foo'],
        [{ ...base, to: '12025550123' }, 412, 'No route found'],
      ];
      for (const [params, status, body] of cases) {
        assertJasminError(await gateway.http.inject(jasminGet('/send', params)), status, body);
      }
      // A prepaid account with nothing left: Jasmin's charging error.
      const broke = await provisionJasmin(gateway);
      const prepaid = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${broke.accountId}`,
        headers: ADMIN_AUTH,
        payload: { limits: { prepaid: true } },
      });
      assert.equal(prepaid.statusCode, 200, prepaid.body);
      const prices = await gateway.http.inject({
        method: 'PUT',
        url: '/v1/prices',
        headers: ADMIN_AUTH,
        payload: { prices: [{ prefix: '+44', price: 2.8 }] },
      });
      assert.equal(prices.statusCode, 200, prices.body);
      assertJasminError(
        await gateway.http.inject(
          jasminGet('/send', { ...base, username: broke.username, password: broke.password }),
        ),
        403,
        'Cannot charge submit_sm, check RouterPB log file for details',
      );
      assert.equal(await messageCount(store), before);
    });

    it('"Checking account balance" and "Checking rate price": Jasmin’s JSON, byte for byte', async () => {
      const balance = await gateway.http.inject(jasminGet('/balance', 'username=foo&password=bar'));
      assert.equal(balance.statusCode, 200, balance.body);
      assert.equal(balance.body, '{"balance": "ND", "sms_count": "ND"}');
      const rich = await provisionJasmin(gateway);
      for (const payload of [{ limits: { prepaid: true, monthlySegmentQuota: 500 } }]) {
        const patched = await gateway.http.inject({
          method: 'PATCH',
          url: `/v1/accounts/${rich.accountId}`,
          headers: ADMIN_AUTH,
          payload,
        });
        assert.equal(patched.statusCode, 200, patched.body);
      }
      const topUp = await gateway.http.inject({
        method: 'POST',
        url: `/v1/accounts/${rich.accountId}/balance`,
        headers: ADMIN_AUTH,
        payload: { amount: 100 },
      });
      assert.equal(topUp.statusCode, 200, topUp.body);
      const richBalance = await gateway.http.inject(
        jasminGet('/balance', { username: rich.username, password: rich.password }),
      );
      assert.equal(richBalance.body, '{"balance": 100.0, "sms_count": 500}');
      const prices = await gateway.http.inject({
        method: 'PUT',
        url: '/v1/prices',
        headers: ADMIN_AUTH,
        payload: { prices: [{ prefix: '+44', price: 2.8 }] },
      });
      assert.equal(prices.statusCode, 200, prices.body);
      const rate = await gateway.http.inject(
        jasminGet('/rate', {
          username: 'foo',
          password: 'bar',
          to: '447911123456',
          content: 'x'.repeat(200),
        }),
      );
      assert.equal(rate.statusCode, 200, rate.body);
      assert.equal(rate.body, '{"submit_sm_count": 2, "unit_rate": 2.8}');
      assertJasminError(
        await gateway.http.inject(
          jasminGet('/rate', { username: 'foo', password: 'bar', to: '12025550123' }),
        ),
        412,
        'No route found',
      );
    });

    it('REST API: /secure/send, /secure/sendbatch (globals, lists of numbers), /secure/balance', async () => {
      // The docs' /secure/send example, with a public dlr-url: the docs' 192.168.202.54 is a private
      // address, which the gateway's address guard refuses (400, naming dlr-url).
      const foo = { username: 'foo', password: 'bar' };
      const single = await gateway.http.inject(
        jasminRest('POST', '/secure/send', foo, {
          to: 447911123456,
          from: 'Jookies',
          content: 'Hello',
          dlr: 'yes',
          'dlr-url': 'http://dlr.example.com/dlr_receiver.php',
          'dlr-level': 3,
        }),
      );
      assert.equal(single.statusCode, 200, single.body);
      const data = (single.json() as { data: string }).data;
      assert.match(data, /^Success "msg_[0-9A-Z]+"$/);
      const before = await messageCount(store);
      const batch = await gateway.http.inject(
        jasminRest('POST', '/secure/sendbatch', foo, {
          globals: { from: 'Brand2' },
          messages: [
            {
              to: ['447911123451', '447911123452', '447911123453'],
              content: 'Same content goes to 3 numbers',
            },
            { from: 'Brand1', to: '447911123454', content: 'Message 2 goes to 1 number' },
          ],
        }),
      );
      assert.equal(batch.statusCode, 200, batch.body);
      const { batchId, messageCount: count } = (
        batch.json() as { data: { batchId: string; messageCount: number } }
      ).data;
      assert.match(batchId, /^[0-9a-f-]{36}$/);
      assert.equal(count, 4);
      assert.equal(await messageCount(store), before + 4);
      const senders = await store.db
        .selectFrom('messages')
        .select('sender')
        .orderBy('id', 'desc')
        .limit(4)
        .execute();
      assert.deepEqual(senders.map((s) => s.sender).sort(), ['Brand1', 'Brand2', 'Brand2', 'Brand2']);
      const balance = await gateway.http.inject(jasminRest('GET', '/secure/balance', foo));
      assert.equal(balance.body, '{"data": {"balance": "ND", "sms_count": "ND"}}');
      const denied = await gateway.http.inject(
        jasminRest('POST', '/secure/send', { username: 'foo', password: 'nope' }, { to: 1, content: 'x' }),
      );
      assert.equal(denied.statusCode, 403);
      assert.deepEqual(denied.json(), { message: 'Authentication failure for username:foo' });
      const badBatch = await gateway.http.inject(
        jasminRest('POST', '/secure/sendbatch', foo, {
          messages: [
            { to: '447911123455', content: 'ok' },
            { to: 'nope', content: 'x' },
          ],
        }),
      );
      assert.equal(badBatch.statusCode, 400, badBatch.body);
      assert.equal(await messageCount(store), before + 4, 'a batch is all or nothing');
    });
  },
  describe,
);
