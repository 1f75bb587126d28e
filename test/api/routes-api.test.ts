import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import { createAccount } from './support.js';

const CONNECTORS = [
  { name: 'one', type: 'sim' as const, receiptDelayMs: 5 },
  { name: 'two', type: 'sim' as const, receiptDelayMs: 5 },
];

await describeEachDatabase(
  'route table API',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    beforeEach(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: { connectors: CONNECTORS, routes: [{ prefix: '+44', connector: 'one' }] },
      });
    });
    afterEach(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const call = (
      method: 'GET' | 'PUT' | 'DELETE',
      body?: unknown,
      headers: Record<string, string> = ADMIN_AUTH,
    ) =>
      gateway.http.inject({
        method,
        url: '/v1/routes',
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });

    it('a saved table is used at once, survives a restart, and DELETE goes back to the config', async () => {
      assert.deepEqual((await call('GET')).json(), {
        source: 'config',
        routes: [{ prefix: '+44', connector: 'one' }],
      });
      const table = { routes: [{ prefix: '+44', failover: ['two', 'one'] }] };
      const saved = await call('PUT', table);
      assert.equal(saved.statusCode, 200, saved.body);
      assert.deepEqual(saved.json(), { source: 'api', routes: table.routes });

      await gateway.stop(false);
      gateway = await startTestGateway(store, {
        config: { connectors: CONNECTORS, routes: [{ prefix: '+44', connector: 'one' }] },
      });
      assert.deepEqual((await call('GET')).json(), { source: 'api', routes: table.routes });
      const sent = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: '+447911123456', text: 'hi' },
      });
      const id = (sent.json() as { messages: { id: string }[] }).messages[0]!.id;
      const read = await gateway.http.inject({
        method: 'GET',
        url: `/v1/messages/${id}`,
        headers: ADMIN_AUTH,
      });
      assert.equal((read.json() as { connector: string }).connector, 'two');

      assert.deepEqual((await call('DELETE')).json(), {
        source: 'config',
        routes: [{ prefix: '+44', connector: 'one' }],
      });
    });

    it('refuses an invalid table with 400 naming the route, and keeps the old one', async () => {
      const unknown = await call('PUT', { routes: [{ connector: 'three' }] });
      assert.equal(unknown.statusCode, 400);
      assert.equal((unknown.json() as { error: { code: string } }).error.code, 'unknown_connector');
      const twoActions = await call('PUT', { routes: [{ connector: 'one', failover: ['two'] }] });
      assert.equal(twoActions.statusCode, 400);
      assert.match(twoActions.body, /exactly one of connector, failover or weighted/);
      assert.equal((await call('GET')).json().source, 'config');
    });

    it('is for admins only', async () => {
      const client = await createAccount(store);
      assert.equal((await call('GET', undefined, client.auth)).statusCode, 403);
      assert.equal((await call('PUT', { routes: [] }, client.auth)).statusCode, 403);
      assert.equal((await call('DELETE', undefined, client.auth)).statusCode, 403);
    });

    it('answers no_route naming the recipient when nothing matches', async () => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: ['+447911123456', '+12025550123'], text: 'hi' },
      });
      assert.equal(response.statusCode, 400);
      const error = (response.json() as { error: { code: string; field: string } }).error;
      assert.deepEqual([error.code, error.field], ['no_route', 'to[1]']);
      assert.equal(
        Number(
          (
            await store.db
              .selectFrom('messages')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
        0,
      );
    });
  },
  describe,
);
