// Jasmin's DLRs over real sockets, as its HTTP API docs describe them ("Receiving DLR", "HTTP
// Parameters for a level 1 DLR", "… for a level 2 or 3 DLR"): per dlr-level, by dlr-method GET or
// POST, and — as the docs require — sent again until the receiver answers 200 with exactly
// `ACK/Jasmin`, through the durable webhook machinery with its shipped retry defaults.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { startTestGateway, waitFor } from '../../helpers/gateway.js';
import { outboxSettled } from '../../helpers/outbox-settled.js';
import { assertSuccess, type JasminUser, jasminGet, provisionJasmin } from './jasmin-support.js';

interface Received {
  readonly method: string;
  readonly params: Record<string, string>;
}

/** A DLR receiver that answers what `answer` says (Jasmin's receivers must say `ACK/Jasmin`). */
class DlrReceiver {
  readonly received: Received[] = [];
  answer: (request: Received) => string = () => 'ACK/Jasmin';
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = req.method === 'POST' ? Buffer.concat(chunks).toString('utf8') : url.search.slice(1);
      const request = { method: req.method ?? '', params: Object.fromEntries(new URLSearchParams(form)) };
      this.received.push(request);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(this.answer(request));
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  of(id: string): Received[] {
    return this.received.filter((r) => r.params.id === id);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

await describeEachDatabase(
  'jasmin DLRs over real sockets, shipped retry defaults',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: DlrReceiver;
    let caller: JasminUser;
    const send = async (to: string, level: string, method: string) =>
      assertSuccess(
        await gateway.http.inject(
          jasminGet('/send', {
            username: caller.username,
            password: caller.password,
            to,
            content: 'dlr please',
            dlr: 'yes',
            'dlr-url': receiver.url('/dlr'),
            'dlr-level': level,
            'dlr-method': method,
          }),
        ),
      );
    before(async () => {
      store = await db.open();
      receiver = new DlrReceiver();
      await receiver.start();
      gateway = await startTestGateway(store, { config: { webhooks: { allowPrivateAddresses: true } } });
      caller = await provisionJasmin(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('dlr-level 3 by POST: the level 1 DLR (ESME_ROK) then the level 2 one (DELIVRD) with its receipt fields', async () => {
      const id = await send('+447911123456', '3', 'POST');
      const [smsc, terminal] = await waitFor(() =>
        receiver.of(id).length >= 2 ? receiver.of(id) : undefined,
      );
      assert.equal(smsc!.method, 'POST');
      assert.deepEqual(smsc!.params, { id, level: '3', connector: 'sim', message_status: 'ESME_ROK' });
      assert.equal(terminal!.method, 'POST');
      assert.deepEqual(Object.keys(terminal!.params).sort(), [
        'connector',
        'dlvrd',
        'donedate',
        'err',
        'id',
        'id_smsc',
        'level',
        'message_status',
        'sub',
        'subdate',
        'text',
      ]);
      assert.equal(terminal!.params.message_status, 'DELIVRD');
      assert.equal(terminal!.params.text, 'dlr please', "the message's first 20 characters");
      assert.equal(terminal!.params.level, '3');
      assert.equal(terminal!.params.dlvrd, '001');
      assert.equal(terminal!.params.err, '000');
      assert.match(terminal!.params.subdate ?? '', /^\d{10}$/);
      assert.match(terminal!.params.donedate ?? '', /^\d{10}$/);
      assert.ok((terminal!.params.id_smsc ?? '').length > 0);
    });

    it('dlr-level 1 by GET reports only the SMS-C’s answer; dlr-level 2 only the terminal state (UNDELIV)', async () => {
      const first = await send('+447911123457', '1', 'GET');
      const second = await send('+447911120000', '2', 'GET');
      // Every DLR these messages will ever cause has been answered: the lists below are final.
      await outboxSettled(store, [first, second]);
      assert.deepEqual(
        receiver.of(first).map((r) => [r.method, r.params.message_status, r.params.level]),
        [['GET', 'ESME_ROK', '1']],
      );
      assert.deepEqual(
        receiver.of(second).map((r) => [r.method, r.params.message_status, r.params.level]),
        [['GET', 'UNDELIV', '2']],
      );
    });

    it('a 200 without ACK/Jasmin is no acknowledgement: the DLR is sent again until one says it', async () => {
      let refusals = 0;
      receiver.answer = (request) => {
        if (request.params.level !== '1' || refusals >= 1) return 'ACK/Jasmin';
        refusals++;
        return 'OK';
      };
      const id = await send('+447911123458', '1', 'POST');
      await waitFor(() => (receiver.of(id).length >= 2 ? true : undefined), 30_000, 'the DLR sent again');
      assert.equal(refusals, 1);
      const event = await waitFor(async () => {
        const row = await store.db
          .selectFrom('events')
          .select(['state', 'attempts'])
          .where('message_id', '=', id)
          .where('status', '=', 'sent')
          .executeTakeFirst();
        return row?.state === 'delivered' ? row : undefined;
      });
      assert.equal(Number(event.attempts), 2);
    });
  },
  describe,
);
