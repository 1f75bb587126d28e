// Kannel's sendsms interface request by request, with the request and response strings of the
// Kannel 1.4 user guide (doc/userguide/userguide.xml), section by section: "Using the HTTP
// interface to send SMS messages" (its example URL, the table "SMS Push reply codes", the table
// "SMS Push (send-sms) CGI Variables"), "Extended headers" (table "X-Kannel Headers", for POST),
// and the smsbox's own refusals for each variable ("… field misformed, rejected"). Every refusal
// stores nothing. Also the second listener on Kannel's port (`kannelPort`).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import { assertAccepted, assertKannel, provisionKannel, sendsms } from './kannel-support.js';

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

/** A port nothing listens on now (for the second listener). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

await describeEachDatabase(
  'kannel sendsms, as the Kannel user guide documents it',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let kannelPort: number;
    before(async () => {
      store = await db.open();
      kannelPort = await freePort();
      gateway = await startTestGateway(store, {
        listen: true,
        config: {
          kannelPort,
          defaultRegion: 'GB',
          // +1 numbers have no route: Kannel's "Not routable".
          routes: [{ prefix: '+44', connector: 'sim' }],
        },
      });
      // The user guide's sendsms-user: username=foo, password=bar.
      await provisionKannel(gateway, { username: 'foo', password: 'bar' });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('"Using the HTTP interface…": the guide’s URL is 202 0: Accepted for delivery', async () => {
      // The guide's example, username=foo&password=bar&to=0123456&text=Hello+world, with a number
      // that is one (0123456 is no UK number; see the next case for what it gets).
      const ids = assertAccepted(
        await gateway.http.inject(sendsms('username=foo&password=bar&to=07911123456&text=Hello+world')),
      );
      const row = await message(store, ids[0]!);
      assert.equal(row.body, 'Hello world');
      assert.equal(row.to_number, '+447911123456');
      const before = await messageCount(store);
      assertKannel(
        await gateway.http.inject(sendsms('username=foo&password=bar&to=0123456&text=Hello+world')),
        400,
        'Number(s) has/have been denied by white- and/or black-lists.',
      );
      assert.equal(await messageCount(store), before);
    });

    it('"SMS Push (send-sms) CGI Variables": to is a space-separated list (a + url-encoded)', async () => {
      const ids = assertAccepted(
        await gateway.http.inject(
          sendsms('user=foo&pass=bar&to=447911123456+00447911123457+%2B447911123458&text=hi'),
        ),
      );
      assert.equal(ids.length, 3);
      const numbers = await Promise.all(ids.map(async (id) => (await message(store, id)).to_number));
      assert.deepEqual(numbers, ['+447911123456', '+447911123457', '+447911123458']);
    });

    it('"SMS Push reply codes": 202 3: Queued for later delivery, 403 Authorization failed, 403 Not routable, 503 Temporal failure', async () => {
      const deferred = await gateway.http.inject(
        sendsms({ username: 'foo', password: 'bar', to: '447911123456', text: 'later', deferred: '30' }),
      );
      assertKannel(deferred, 202, '3: Queued for later delivery');
      const row = await message(store, String(deferred.headers['smsgate-message-id']));
      assert.equal(row.status, 'scheduled');
      assert.ok(Math.abs((row.schedule_at ?? 0) - (Date.now() + 30 * 60_000)) < 60_000);
      const before = await messageCount(store);
      assertKannel(
        await gateway.http.inject(
          sendsms({ username: 'foo', password: 'wrong', to: '447911123456', text: 'x' }),
        ),
        403,
        'Authorization failed for sendsms',
      );
      assertKannel(
        await gateway.http.inject(
          sendsms({ username: 'foo', password: 'bar', to: '12025550123', text: 'x' }),
        ),
        403,
        'Not routable. Do not try again.',
      );
      // The account's send rate (the gateway's 429): Kannel's temporary failure, retry later.
      const limited = await provisionKannel(gateway);
      const patch = await gateway.http.inject({
        method: 'PATCH',
        url: `/v1/accounts/${limited.accountId}`,
        headers: ADMIN_AUTH,
        payload: { limits: { ratePerSecond: 0.001, burst: 1 } },
      });
      assert.equal(patch.statusCode, 200, patch.body);
      const asLimited = {
        username: limited.username,
        password: limited.password,
        to: '447911123456',
        text: 'x',
      };
      assertAccepted(await gateway.http.inject(sendsms(asLimited)));
      const temporal = await gateway.http.inject(sendsms(asLimited));
      assertKannel(temporal, 503, 'Temporal failure, try again later.');
      assert.ok(Number(temporal.headers['retry-after']) >= 1);
      assert.equal(await messageCount(store), before + 1);
    });

    it('each variable out of its range is refused in the smsbox’s words, and nothing is stored', async () => {
      const base = { username: 'foo', password: 'bar', to: '447911123456', text: 'x' };
      const before = await messageCount(store);
      const cases: [Record<string, string>, string][] = [
        [{ username: 'foo', password: 'bar', text: 'x' }, 'Missing receiver number, rejected'],
        [{ ...base, to: '' }, 'Empty receiver number not allowed, rejected'],
        [{ ...base, coding: '3' }, 'Coding field misformed, rejected'],
        [{ ...base, mclass: '4' }, 'MClass field misformed, rejected'],
        [{ ...base, flash: '4' }, 'MClass field misformed, rejected'],
        [{ ...base, 'dlr-mask': '64' }, 'DLR-Mask field misformed, rejected'],
        [{ ...base, dlrmask: '-2' }, 'DLR-Mask field misformed, rejected'],
        [
          { ...base, 'dlr-url': 'ftp://example.com/dlr', 'dlr-mask': '1' },
          'DLR-URL field misformed, rejected',
        ],
        [{ ...base, validity: '-2' }, 'Validity field misformed, rejected'],
        [{ ...base, deferred: '-2' }, 'Deferred field misformed, rejected'],
        [{ ...base, priority: '4' }, 'Priority field misformed, rejected'],
        [{ ...base, pid: '256' }, 'PID field misformed, rejected'],
        [{ ...base, mwi: '8' }, 'MWI field misformed, rejected'],
        [{ ...base, account: 'a[b]' }, 'Account field misformed or too long, rejected'],
        [{ ...base, udh: '\u0005\u0001\u0003' }, 'UDH field misformed, rejected'],
        [{ ...base, charset: 'no-such-charset' }, 'Charset or body misformed, rejected'],
      ];
      for (const [params, body] of cases) assertKannel(await gateway.http.inject(sendsms(params)), 400, body);
      // The smsbox reads integers with sscanf: a value that does not start with one is no value.
      assertAccepted(await gateway.http.inject(sendsms({ ...base, priority: 'high' })));
      assert.equal(await messageCount(store), before + 1);
    });

    it('charset and coding: ISO-8859-1 text, and UCS-2 (UTF-16BE) text for coding=2', async () => {
      const latin = assertAccepted(
        await gateway.http.inject(
          sendsms('username=foo&password=bar&to=447911123456&charset=ISO-8859-1&text=caf%E9'),
        ),
      );
      assert.equal((await message(store, latin[0]!)).body, 'café');
      const ucs2 = Buffer.from('Ωμέγα', 'utf16le').swap16();
      const query = `username=foo&password=bar&to=447911123456&coding=2&text=${[...ucs2].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`;
      const ids = assertAccepted(await gateway.http.inject(sendsms(query)));
      assert.equal((await message(store, ids[0]!)).body, 'Ωμέγα');
    });

    it('"Extended headers": a POST whose body is the text, the variables in X-Kannel headers', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/cgi-bin/sendsms',
        headers: {
          'content-type': 'text/plain; charset=ISO-8859-1',
          'x-kannel-username': 'foo',
          'x-kannel-password': 'bar',
          'x-kannel-to': '447911123456',
          'x-kannel-from': 'ACME',
          'x-kannel-validity': '10',
        },
        payload: Buffer.from('na\u00efve body', 'latin1'),
      });
      const ids = assertAccepted(response);
      const row = await message(store, ids[0]!);
      assert.equal(row.body, 'naïve body');
      assert.equal(row.sender, 'ACME');
      assert.ok(Math.abs(row.expires_at - row.created_at - 600_000) < 5_000);
      assertKannel(
        await gateway.http.inject({
          method: 'POST',
          url: '/cgi-bin/sendsms',
          headers: {
            'content-type': 'application/json',
            'x-kannel-username': 'foo',
            'x-kannel-password': 'bar',
          },
          payload: '{}',
        }),
        400,
        'Invalid content-type',
      );
    });

    it('Kannel’s own port (kannelPort) answers sendsms over a real socket, and nothing else', async () => {
      const base = `http://127.0.0.1:${kannelPort}`;
      const ok = await fetch(
        `${base}/cgi-bin/sendsms?username=foo&password=bar&to=447911123456&text=port+13013`,
      );
      assert.equal(ok.status, 202);
      assert.equal(await ok.text(), '0: Accepted for delivery');
      const other = await fetch(`${base}/v1/messages`);
      assert.equal(other.status, 404);
      assert.equal(await other.text(), 'Unknown request.');
      const main = await fetch(
        `${gateway.url}/cgi-bin/sendsms?username=foo&password=wrong&to=447911123456&text=x`,
      );
      assert.equal(main.status, 403);
      assert.equal(await main.text(), 'Authorization failed for sendsms');
    });
  },
  describe,
);
