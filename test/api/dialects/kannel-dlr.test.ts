// Kannel's delivery reports over real sockets: a sendsms with `dlr-mask` and a `dlr-url` using the
// escapes of the Kannel user guide (section "Parameters (Escape Codes)"; the bits as the guide's
// "SMS Push (send-sms) CGI Variables" table defines dlr-mask: 1 delivered to phone, 2 non-delivered
// to phone, 4 queued, 8 delivered to SMSC, 16 non-delivered to SMSC) gets one GET per state whose
// bit is in the mask, with the escapes filled in, through the durable webhook machinery with its
// shipped retry defaults.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { outboxSettled } from '../../helpers/outbox-settled.js';
import { type ReceivedRequest, WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { assertAccepted, type KannelUser, provisionKannel, sendsms } from './kannel-support.js';

/** The query of a received DLR. */
function query(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(new URL(request.path, 'http://x').searchParams);
}

await describeEachDatabase(
  'kannel dlr-url over real sockets, shipped retry defaults',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    let caller: KannelUser;
    const dlrUrl = () =>
      `${receiver.url('/dlr')}?type=%d&phone=%p&plus=%q&from=%P&id=%I&smsc=%i&reply=%A&ts=%T&time=%t&user=%n&fid=%F&meta=%D&acct=%o&coding=%c&keep=%Z`;
    const send = async (to: string, mask: string, tag: string) => {
      const response = await gateway.http.inject(
        sendsms({
          username: caller.username,
          password: caller.password,
          from: '447911000001',
          to,
          text: 'dlr please',
          'dlr-mask': mask,
          'dlr-url': `${dlrUrl()}&tag=${tag}`,
          account: 'billing-7',
          'meta-data': '?smpp?key=value',
        }),
      );
      return assertAccepted(response)[0]!;
    };
    const reports = (tag: string) => receiver.requests.filter((r) => query(r).tag === tag);

    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, { config: { webhooks: { allowPrivateAddresses: true } } });
      caller = await provisionKannel(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    it('dlr-mask=31, delivered: a GET for 8 (SMSC accepted), then 1 (delivered), escapes filled in', async () => {
      const id = await send('447911123456', '31', 'delivered');
      await receiver.waitForRequests(2, (r) => query(r).tag === 'delivered');
      const [accepted, delivered] = reports('delivered');
      for (const request of [accepted!, delivered!]) {
        assert.equal(request.method, 'GET');
        assert.equal(request.body, '');
        const q = query(request);
        assert.equal(q.phone, '447911123456');
        assert.equal(q.plus, '+447911123456');
        assert.equal(q.from, '447911000001');
        assert.equal(q.id, id);
        assert.equal(q.smsc, 'sim');
        assert.equal(q.user, caller.username);
        assert.equal(q.meta, '?smpp?key=value');
        assert.equal(q.acct, 'billing-7');
        assert.equal(q.coding, '0');
        assert.match(q.ts ?? '', /^\d{10}$/);
        assert.match(q.time ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
        assert.ok((q.fid ?? '').length > 0, 'the upstream id');
        assert.equal(q.keep, '%Z', 'an escape Kannel does not define stays as it is');
      }
      assert.equal(query(accepted!).type, '8');
      assert.equal(query(accepted!).reply, 'ACK/');
      assert.equal(query(delivered!).type, '1');
      assert.match(query(delivered!).reply ?? '', /stat:DELIVRD/);
    });

    it('undelivered (the sim’s 0000) is 8 then 2; refused upstream (0001) is 16; dlr-mask=1 asks for 1 only', async () => {
      const ids = [
        await send('447911120000', '31', 'undelivered'),
        await send('447911120001', '31', 'rejected'),
        await send('447911123457', '1', 'only-final'),
      ];
      // Every report these messages will ever cause has been answered: the counts below are final.
      await outboxSettled(store, ids);
      assert.deepEqual(
        reports('undelivered').map((r) => query(r).type),
        ['8', '2'],
      );
      assert.deepEqual(
        reports('rejected').map((r) => query(r).type),
        ['16'],
      );
      assert.match(query(reports('rejected')[0]!).reply ?? '', /^NACK\//);
      assert.deepEqual(
        reports('only-final').map((r) => query(r).type),
        ['1'],
      );
    });

    it('a receiver down for a while gets every report once it is back (default back-off)', async () => {
      await receiver.close();
      await send('447911123458', '9', 'outage');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await receiver.reopen();
      await receiver.waitForRequests(2, (r) => query(r).tag === 'outage' && r.answered === 200, 60_000);
      assert.deepEqual(
        reports('outage').map((r) => query(r).type),
        ['8', '1'],
      );
    });
  },
  describe,
);
