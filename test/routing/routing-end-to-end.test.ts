/**
 * Routing through real connectors: a failover route whose first provider goes down mid-run, and a
 * weighted route over 10,000 messages.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { freePort } from '../e2e/gateway-process.js';
import { FakeClickatell } from '../fakes/fake-clickatell.js';
import { FakeGrandcom } from '../fakes/fake-grandcom.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

const FINAL = ['delivered', 'undelivered', 'expired', 'rejected', 'failed', 'canceled'];

async function send(gateway: Gateway, to: string[]): Promise<string[]> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: ADMIN_AUTH,
    payload: { to, text: 'routing test' },
  });
  assert.equal(response.statusCode, 202, response.body);
  return (response.json() as { messages: { id: string }[] }).messages.map((m) => m.id);
}

interface Row {
  id: string;
  status: string;
  connector: string | null;
  to_number: string;
}

async function rows(store: TestStore, ids: readonly string[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    out.push(
      ...(await store.db
        .selectFrom('messages')
        .select(['id', 'status', 'connector', 'to_number'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute()),
    );
  }
  return out;
}

const number = (i: number) => `+447911${String(200_000 + i * 10 + 7)}`;

await describeEachDatabase(
  'routing end to end',
  (db) => {
    let store: TestStore;
    let gateway: Gateway | undefined;
    const fakes: { close(): Promise<void> }[] = [];
    beforeEach(async () => {
      store = await db.open();
    });
    afterEach(async () => {
      await gateway?.stop(false);
      gateway = undefined;
      for (const fake of fakes.splice(0)) await fake.close();
      await store.destroy();
    });

    it('failover: the first provider goes down mid-run and every message still ends delivered via the second', async () => {
      const port = await freePort();
      const gatewayUrl = `http://127.0.0.1:${port}`;
      const first = await FakeClickatell.start({
        statusCallbackUrl: `${gatewayUrl}/callbacks/first?token=failover-token`,
      });
      const second = await FakeGrandcom.start({
        statusCallbackUrl: `${gatewayUrl}/callbacks/second?token=failover-token`,
      });
      fakes.push(first, second);
      gateway = await startTestGateway(store, {
        listen: true,
        config: {
          port,
          connectors: [
            {
              name: 'first',
              type: 'clickatell',
              apiKey: first.apiKey,
              baseUrl: first.url,
              timeoutMs: 2000,
              callbackToken: 'failover-token',
            },
            {
              name: 'second',
              type: 'grandcom',
              baseUrl: second.url,
              username: 'smsgate',
              password: 'grandcom-secret',
              callbackToken: 'failover-token',
            },
          ],
          routes: [{ failover: ['first', 'second'] }],
        },
      });
      const ids: string[] = [];
      for (let batch = 0; batch < 3; batch++) {
        ids.push(
          ...(await send(
            gateway,
            Array.from({ length: 100 }, (_, i) => number(batch * 100 + i)),
          )),
        );
        if (batch === 0) {
          await waitFor(
            () => (first.messages.length >= 100 ? true : undefined),
            20_000,
            'the first 100 at the first provider',
          );
          await first.down();
        }
      }
      // The rest go through the second while the first is down (all of them taken before it is back).
      await waitFor(
        () => (second.messages.length >= 200 ? true : undefined),
        30_000,
        'the other 200 at the second provider',
      );
      // A permanent reject on the first provider is not tried on the second.
      await first.up();
      const connector = gateway.connectors.get('first')!;
      await waitFor(
        () => {
          if (process.env.DEBUG_ROUTING) console.log(JSON.stringify(connector.status()));
          return connector.status().state === 'up' ? true : undefined;
        },
        20_000,
        'the first provider on probation',
      );
      const [rejected] = await send(gateway, ['+447911120001']);
      const final = await waitFor(
        async () => {
          const current = await rows(store, [...ids, rejected!]);
          return current.every((r) => FINAL.includes(r.status)) ? current : undefined;
        },
        60_000,
        'every message final',
      );
      const byId = new Map(final.map((r) => [r.id, r]));
      const main = ids.map((id) => byId.get(id)!);
      assert.deepEqual(
        main.filter((r) => r.status !== 'delivered').map((r) => `${r.to_number} ${r.status}`),
        [],
        'every message delivered',
      );
      assert.ok(
        main.slice(0, 100).every((r) => r.connector === 'first'),
        'the first 100 went through the first provider',
      );
      assert.ok(
        main.slice(100).every((r) => r.connector === 'second'),
        'the rest went through the second',
      );
      assert.equal(second.messages.length, 200);
      const reject = byId.get(rejected!)!;
      assert.equal(reject.status, 'rejected');
      assert.equal(reject.connector, 'first');
      assert.equal(
        second.messages.filter((m) => m.to === '+447911120001').length,
        0,
        'a permanent reject is not tried elsewhere',
      );
      const history = await store.db
        .selectFrom('message_history')
        .select('detail')
        .where('message_id', '=', ids[150]!)
        .where('detail', 'like', '%trying second%')
        .execute();
      assert.ok(history.length <= 1, 'at most the one failed attempt that found the first provider down');
    });

    it('weighted: 10,000 messages split within 2 points of 25 / 75', async () => {
      gateway = await startTestGateway(store, {
        config: {
          connectors: [
            { name: 'light', type: 'sim', receiptDelayMs: 5, window: 5000 },
            { name: 'heavy', type: 'sim', receiptDelayMs: 5, window: 5000 },
          ],
          routes: [
            {
              prefix: '+44',
              weighted: [
                { connector: 'light', weight: 1 },
                { connector: 'heavy', weight: 3 },
              ],
            },
          ],
          queue: { maxQueued: 100_000 },
        },
      });
      const ids: string[] = [];
      for (let batch = 0; batch < 10; batch++) {
        ids.push(
          ...(await send(
            gateway,
            Array.from({ length: 1000 }, (_, i) => number(batch * 1000 + i)),
          )),
        );
      }
      const counts = await store.db
        .selectFrom('messages')
        .select(['connector', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('connector')
        .execute();
      const light = Number(counts.find((c) => c.connector === 'light')?.n ?? 0);
      const heavy = Number(counts.find((c) => c.connector === 'heavy')?.n ?? 0);
      assert.equal(light + heavy, 10_000);
      assert.ok(Math.abs(light / 10_000 - 0.25) < 0.02, `light ${light}, heavy ${heavy}`);
    });
  },
  describe,
);
