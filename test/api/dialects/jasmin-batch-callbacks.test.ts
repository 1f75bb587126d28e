// Jasmin REST batch callbacks over real sockets, as the REST API docs describe them ("Send multiple
// messages", "Usage examples" Example 3 "using callbacks", and "About callbacks": "The
// callback_url will be called (GET) everytime a message is successfuly sent, otherwise the
// errback_url is called", with the parameters batchId, status — "1 or 0" — and statusText,
// `Success "07033084-5cfd-4812-90a4-e4d24ffb6e3d"`), through the durable webhook machinery.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { startTestGateway, waitFor } from '../../helpers/gateway.js';
import { type JasminUser, jasminRest, provisionJasmin } from './jasmin-support.js';

interface Received {
  readonly path: string;
  /** The query's parameters in the order they came. */
  readonly params: [string, string][];
}

/** Records GETs by path; answers `ACK/Jasmin` (what Jasmin's DLR receivers must say). */
class Receiver {
  readonly received: Received[] = [];
  private readonly server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') this.received.push({ path: url.pathname, params: [...url.searchParams] });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ACK/Jasmin');
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function count(store: TestStore, table: 'messages' | 'jasmin_batches'): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The batch's messages by number (E.164), from their `jasminBatch` ref. */
async function batchMessages(store: TestStore, batchId: string): Promise<Map<string, string>> {
  const rows = await store.db
    .selectFrom('message_refs')
    .innerJoin('messages', 'messages.id', 'message_refs.message_id')
    .select(['messages.id', 'messages.to_number'])
    .where('message_refs.name', '=', 'jasminBatch')
    .where('message_refs.value', '=', batchId)
    .execute();
  return new Map(rows.map((r) => [r.to_number, r.id]));
}

await describeEachDatabase(
  'jasmin /secure/sendbatch callback_url and errback_url over real sockets',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: Receiver;
    let caller: JasminUser;
    before(async () => {
      store = await db.open();
      receiver = new Receiver();
      await receiver.start();
      gateway = await startTestGateway(store, { config: { webhooks: { allowPrivateAddresses: true } } });
      caller = await provisionJasmin(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('Example 3: one callback per message sent (Success "<id>"), one errback per failure; DLRs still go to dlr-url', async () => {
      // The docs' Example 3 with numbers the sim decides (…0001: refused by the upstream, never
      // sent) and their callback paths on a local receiver; the globals' level-3 DLR as in a
      // user's report (jookies/jasmin#1188), to show the two kinds of report side by side.
      const response = await gateway.http.inject(
        jasminRest('POST', '/secure/sendbatch', caller, {
          batch_config: {
            callback_url: receiver.url('/successful_batch'),
            errback_url: receiver.url('/errored_batch'),
          },
          globals: { dlr: 'yes', 'dlr-url': receiver.url('/dlr'), 'dlr-level': 1 },
          messages: [
            { to: ['447911123451', '447911123452', '447911123453'], content: 'Hello world !' },
            { to: '447911120001', content: 'Holà !' },
          ],
        }),
      );
      assert.equal(response.statusCode, 200, response.body);
      const { batchId, messageCount } = (
        response.json() as { data: { batchId: string; messageCount: number } }
      ).data;
      assert.equal(messageCount, 4);
      const ids = await batchMessages(store, batchId);
      assert.equal(ids.size, 4);

      await waitFor(() =>
        receiver.at('/successful_batch').length >= 3 && receiver.at('/errored_batch').length >= 1
          ? true
          : undefined,
      );
      const callbacks = receiver.at('/successful_batch');
      assert.deepEqual(
        callbacks.map((c) => c.params.map(([name]) => name)),
        [0, 1, 2].map(() => ['batchId', 'to', 'status', 'statusText']),
        "Jasmin's parameters, in its order",
      );
      assert.deepEqual(
        callbacks
          .map((c) => Object.fromEntries(c.params))
          .sort((a, b) => (a.to ?? '').localeCompare(b.to ?? '')),
        ['447911123451', '447911123452', '447911123453'].map((to) => ({
          batchId,
          to,
          status: '1',
          statusText: `Success "${ids.get(`+${to}`)}"`,
        })),
      );
      const [errback] = receiver.at('/errored_batch');
      const failure = Object.fromEntries(errback!.params);
      assert.equal(failure.batchId, batchId);
      assert.equal(failure.to, '447911120001');
      assert.equal(failure.status, '0');
      assert.match(failure.statusText ?? '', /^HTTPAPI error: Error "\S/);

      // The level-1 DLRs went to dlr-url meanwhile: ESME_ROK for the three, a refusal for the fourth.
      const dlrs = await waitFor(() => (receiver.at('/dlr').length >= 4 ? receiver.at('/dlr') : undefined));
      const statuses = new Map(
        dlrs.map((d) => [Object.fromEntries(d.params).id, Object.fromEntries(d.params).message_status]),
      );
      assert.equal(statuses.get(ids.get('+447911123451')), 'ESME_ROK');
      assert.notEqual(statuses.get(ids.get('+447911120001')), 'ESME_ROK');

      // Exactly one report per message: no callback for the refused one, no errback for the others,
      // even after every message is final and its events settled.
      await waitFor(async () => {
        const open = await store.db
          .selectFrom('events')
          .select('id')
          .where('order_key', 'like', '% batch')
          .where('state', '=', 'pending')
          .execute();
        return open.length === 0 ? true : undefined;
      });
      assert.equal(receiver.at('/successful_batch').length, 3);
      assert.equal(receiver.at('/errored_batch').length, 1);
    });

    it('a scheduled batch (schedule_at) canceled before it is sent: the errback tells so', async () => {
      // Tomorrow, in the docs' `YYYY-MM-DD hh:mm:ss` (UTC).
      const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      const response = await gateway.http.inject(
        jasminRest('POST', '/secure/sendbatch', caller, {
          batch_config: { errback_url: receiver.url('/canceled_batch'), schedule_at: tomorrow },
          messages: [{ to: '447911123461', content: 'later' }],
        }),
      );
      assert.equal(response.statusCode, 200, response.body);
      const { batchId } = (response.json() as { data: { batchId: string } }).data;
      const [id] = [...(await batchMessages(store, batchId)).values()];
      await gateway.messages.cancel({ accountId: caller.accountId, role: 'client', keyId: 'test' }, id!);
      const [errback] = await waitFor(() =>
        receiver.at('/canceled_batch').length > 0 ? receiver.at('/canceled_batch') : undefined,
      );
      const failure = Object.fromEntries(errback!.params);
      assert.deepEqual(
        { batchId: failure.batchId, to: failure.to, status: failure.status },
        { batchId, to: '447911123461', status: '0' },
      );
      assert.equal(failure.statusText, 'HTTPAPI error: Error "canceled by request');
    });

    it('a callback_url or errback_url the gateway may not call, or a bad message, is refused and stores nothing', async () => {
      const messagesBefore = await count(store, 'messages');
      const batchesBefore = await count(store, 'jasmin_batches');
      const send = (batchConfig: Record<string, unknown>, message: Record<string, unknown> = {}) =>
        gateway.http.inject(
          jasminRest('POST', '/secure/sendbatch', caller, {
            batch_config: batchConfig,
            messages: [{ to: '447911123471', content: 'x', ...message }],
          }),
        );
      // The cloud metadata address is refused even where private addresses are allowed.
      const metadata = await send({ callback_url: 'http://169.254.169.254/latest/meta-data' });
      assert.equal(metadata.statusCode, 400, metadata.body);
      assert.match((metadata.json() as { message: string }).message, /^callback_url is not allowed: /);
      const ftp = await send({ errback_url: 'ftp://example.com/errored' });
      assert.equal(ftp.statusCode, 400);
      assert.deepEqual(ftp.json(), {
        message: 'Argument errback_url has an invalid value: ftp://example.com/errored.',
      });
      const unknown = await send({ callback: 'http://example.com/' });
      assert.deepEqual(unknown.json(), { message: 'Argument callback is unknown.' });
      // Refused by the message service after the batch's URLs were stored: they are removed again.
      const dlrUrl = await send(
        { callback_url: receiver.url('/never') },
        { dlr: 'yes', 'dlr-url': 'http://169.254.169.254/dlr' },
      );
      assert.equal(dlrUrl.statusCode, 400, dlrUrl.body);
      assert.equal(await count(store, 'messages'), messagesBefore);
      assert.equal(await count(store, 'jasmin_batches'), batchesBefore);
      // A schedule the message service refuses is named as the batch names it.
      const farAhead = await send({ schedule_at: '2099-01-01 10:00:00' });
      assert.equal(farAhead.statusCode, 400);
      assert.match((farAhead.json() as { message: string }).message, /^schedule_at /);
      assert.equal(receiver.at('/never').length, 0);
    });
  },
  describe,
);
