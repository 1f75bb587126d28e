/**
 * The SSRF guard on every kind of callback URL a caller can give (native callbackUrl, Kannel and
 * Jasmin dlr-url, Twilio StatusCallback, Accolades sendResultTo; account webhooks are covered in
 * test/webhooks/delivery-ssrf.test.ts): literal private, loopback, metadata and odd spellings of
 * them are refused at accept in the dialect's words with nothing stored; a host name that
 * resolves to a private address is accepted (names are judged when used) and refused at delivery:
 * the events go dead and the receiver behind the name gets nothing.
 */
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { accountOutboxSettled } from './account-outbox.js';
import { CALLBACK_KINDS } from './callback-kinds.js';

/** Refused with private addresses not allowed (the default), each spelt as a caller might. */
const REFUSED = [
  'http://10.0.0.1/x',
  'http://172.16.5.4/x',
  'http://192.168.1.1/x',
  'http://100.64.0.1/x',
  'http://127.0.0.1:8080/x',
  'http://[::1]/x',
  'http://[fd00::1]/x',
  'http://[::ffff:127.0.0.1]/x',
  'http://2130706433/x',
  'http://0x7f.0.0.1/x',
  'http://0177.0.0.1/x',
  'http://169.254.169.254/latest/meta-data/',
  'http://0.0.0.0/x',
  'http://localhost/x',
  'http://LOCALHOST./x',
];

/** Makes dns.lookup resolve `table`'s names (Node's resolver, not gateway code; others for real). */
function fakeDns(table: Record<string, string>): void {
  const real = dns.lookup;
  mock.method(dns, 'lookup', (hostname: string, options: dns.LookupAllOptions, callback: unknown) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, addresses?: dns.LookupAddress[]) => void;
    const address = table[hostname];
    if (address === undefined) return real(hostname, options, cb);
    process.nextTick(cb, null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  });
}

await describeEachDatabase(
  'SSRF guard on every callback URL kind',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: WebhookReceiver;
    before(async () => {
      store = await db.open();
      receiver = await WebhookReceiver.start(200);
      gateway = await startTestGateway(store, { config: { webhooks: { ...FAST_WEBHOOKS } } });
      assert.equal(gateway.config.webhooks.allowPrivateAddresses, false);
    });
    afterEach(() => mock.restoreAll());
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    const countOf = async (accountId: string) =>
      Number(
        (
          await store.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('account_id', '=', accountId)
            .executeTakeFirst()
        )?.n ?? 0,
      );

    for (const kind of CALLBACK_KINDS) {
      it(`${kind.name}: private, loopback and metadata addresses refused at accept, in the dialect, nothing stored`, async () => {
        const sender = await kind.caller(gateway, store);
        for (const url of REFUSED) {
          const response = await sender.send('+447911123456', url);
          const what = `${kind.name} ${url}: ${response.statusCode} ${response.body}`;
          assert.equal(response.statusCode, 400, what);
          assert.match(response.body, /not allowed/, what);
        }
        assert.equal(await countOf(sender.accountId), 0);
      });

      it(`${kind.name}: a name resolving to a private address is refused at delivery; nothing reaches it`, async () => {
        fakeDns({ 'inside.smsgate.test': '127.0.0.1', 'lan.smsgate.test': '10.1.2.3' });
        const sender = await kind.caller(gateway, store);
        const before = receiver.requests.length;
        for (const host of ['inside.smsgate.test', 'lan.smsgate.test']) {
          const response = await sender.send('+447911123456', `http://${host}:${receiver.port}/cb`);
          assert.ok(response.statusCode < 300, `${kind.name}: ${response.statusCode} ${response.body}`);
        }
        const events = await accountOutboxSettled(store, sender.accountId);
        // Formats that report only some statuses (Accolades: the final one) skip the others.
        const dead = events.filter((e) => e.state !== 'skipped');
        assert.ok(dead.length >= 2, `${kind.name}: one report per message at least`);
        for (const event of dead) {
          assert.equal(event.state, 'dead', `${kind.name}: ${event.url} ${event.last_error}`);
          assert.match(event.last_error ?? '', /^refused: .*(loopback|private)/);
        }
        assert.equal(receiver.requests.length, before, 'the receiver behind the names got nothing');
      });
    }
  },
  describe,
);
