/**
 * Provider callbacks as providers really send them: Clickatell's duplicates and out-of-order
 * reports, inbound messages, the callback token, malformed bodies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { freePort } from '../e2e/gateway-process.js';
import { FakeClickatell } from '../fakes/fake-clickatell.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;
const TOKEN = 'callback-token-123';

interface MessageView {
  status: string;
  lastCode: string | null;
  history: { status: string }[];
}

describe('Clickatell callbacks', { timeout: 60_000 }, () => {
  let store: TestStore;
  let gateway: Gateway;
  let fake: FakeClickatell;

  before(async () => {
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/callbacks/clickatell?token=${TOKEN}`;
    fake = await FakeClickatell.start({
      statusCallbackUrl: callback,
      moCallbackUrl: callback,
      duplicateCallbacks: true,
      shuffleCallbacks: true,
    });
    store = await sqlite.open();
    gateway = await startTestGateway(store, {
      listen: true,
      config: {
        port,
        connectors: [
          {
            name: 'clickatell',
            type: 'clickatell',
            apiKey: fake.apiKey,
            baseUrl: fake.url,
            callbackToken: TOKEN,
          },
        ],
      },
    });
  });
  after(async () => {
    await gateway.stop(false);
    await fake.close();
    await store.destroy();
  });

  const read = async (id: string) =>
    (
      await gateway.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: ADMIN_AUTH })
    ).json() as MessageView;

  it('ends delivered exactly once when reports come twice and the final one first', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: ADMIN_AUTH,
      payload: { to: ['+447800111234', '+447800110000'], text: 'hi' },
    });
    const [ok, failed] = (response.json() as { messages: { id: string }[] }).messages.map((m) => m.id);
    await fake.callbacksSettled();
    await waitFor(
      async () => ((await read(failed!)).status === 'undelivered' ? true : undefined),
      20_000,
      'undelivered',
    );
    const delivered = await read(ok!);
    assert.equal(delivered.status, 'delivered');
    assert.equal(delivered.lastCode, 'clickatell:5 DEVICE_ACK');
    assert.deepEqual(
      delivered.history.map((h) => h.status),
      ['queued', 'sending', 'sent', 'delivered'],
    );
    assert.equal((await read(failed!)).lastCode, 'clickatell:23 DELIVERY_FAILURE');
  });

  it('refuses a callback with a wrong or missing token (401) and changes nothing', async () => {
    for (const url of ['/callbacks/clickatell', '/callbacks/clickatell?token=wrong-token-000']) {
      const response = await gateway.http.inject({
        method: 'POST',
        url,
        payload: {
          event: { moText: [{ from: '447800119999', to: '447800000001', content: 'forged', timestamp: 1 }] },
        },
      });
      assert.equal(response.statusCode, 401, url);
    }
    const inbound = await store.db
      .selectFrom('inbound_messages')
      .select('body')
      .where('body', '=', 'forged')
      .execute();
    assert.deepEqual(inbound, []);
  });

  it('answers 400 to a body that is not a Clickatell callback', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: `/callbacks/clickatell?token=${TOKEN}`,
      payload: { hello: 'world' },
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /not a Clickatell callback/);
  });

  it('stores an inbound message (moText) before answering', async () => {
    const { acknowledged } = await fake.sendInbound({
      from: '447800112222',
      to: '447800000001',
      content: 'Yes please',
    });
    assert.equal(acknowledged, true);
    const rows = await store.db
      .selectFrom('inbound_messages')
      .select(['from_number', 'body', 'connector'])
      .where('body', '=', 'Yes please')
      .execute();
    assert.deepEqual(rows, [{ from_number: '+447800112222', body: 'Yes please', connector: 'clickatell' }]);
  });
});
