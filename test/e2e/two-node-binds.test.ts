/**
 * A connector's binds are shared over the nodes on one database (docs/deployment.md, "Several
 * nodes"): configured for one bind, two nodes open one bind between them, not one each. The node
 * without it hands what it accepts to the node with it; when that node stops, the other takes the
 * bind over and sends itself. An SMPP client bound to one node gets its receipts from that node,
 * whichever node matched them. Shipped lease timings. PostgreSQL only (SQLite is one node).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { DEFAULT_PASSWORD, DEFAULT_SYSTEM_ID } from '../../src/smsc-sim/smsc-sim-options.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import type { Store } from '../../src/store/open-store.js';
import { listLeases } from '../../src/store/queries/named-leases.js';
import { callApi } from '../api/support.js';
import { describePostgres, type TestStore } from '../helpers/databases.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { waitUntil } from '../smpp/smpp-test-kit.js';
import {
  call,
  connectForeign,
  createSmppAccount,
  type ForeignPdu,
  type ForeignSession,
  smppPortOf,
  startSmppGateway,
} from '../smpp-server/smpp-server-kit.js';

await describePostgres(
  'one bind shared by two nodes',
  (db) => {
    let storeA: TestStore;
    let storeB: Store;
    let gatewayA: Gateway;
    let gatewayB: Gateway;
    let sim: SmscSimulator;
    let maxBinds = 0;
    let sampler: NodeJS.Timeout;

    before(async () => {
      sim = new SmscSimulator({ receiptDelayMs: 20 });
      const port = await sim.start(0);
      sampler = setInterval(() => {
        maxBinds = Math.max(maxBinds, sim.boundSessions.length);
      }, 5);
      const config = {
        connectors: [
          {
            name: 'smsc',
            type: 'smpp' as const,
            host: '127.0.0.1',
            port,
            systemId: DEFAULT_SYSTEM_ID,
            password: DEFAULT_PASSWORD,
            binds: 1,
          },
        ],
      };
      storeA = await db.open();
      storeB = await storeA.reopen();
      gatewayA = await startSmppGateway(storeA, config);
      await waitFor(() => (gatewayA.connectors.get('smsc')!.status().state === 'up' ? true : undefined));
      gatewayB = await startSmppGateway(storeB, config);
    });
    after(async () => {
      clearInterval(sampler);
      await gatewayB.stop(false);
      await gatewayA.stop(false).catch(() => {});
      await storeB.close();
      await storeA.destroy();
      await sim.stop();
    });

    const status = async (gateway: Gateway, id: string) =>
      (await callApi(gateway, 'GET', `/v1/messages/${id}`, TEST_ADMIN_KEY)).body.status as string;

    it('opens one bind between the two, and the node without it hands its messages over', async () => {
      assert.equal(gatewayB.connectors.get('smsc')!.status().state, 'remote');
      const accepted = await callApi(gatewayB, 'POST', '/v1/messages', TEST_ADMIN_KEY, {
        // None ending in 0000–0003: the simulator's rule numbers.
        to: Array.from({ length: 40 }, (_, i) => `+4479120${String(1000 + i).padStart(5, '0')}`),
        text: 'sent through the other node',
      });
      assert.equal(accepted.status, 202);
      const ids = (accepted.body.messages as { id: string }[]).map((m) => m.id);
      await waitFor(
        async () => {
          for (const id of ids) if ((await status(gatewayB, id)) !== 'delivered') return undefined;
          return true;
        },
        20_000,
        'every message B accepted delivered through A',
      );
      assert.equal(sim.submits.length, 40, 'each submitted once');
      assert.equal(maxBinds, 1, 'never more than the one configured bind');
      assert.equal((await listLeases(storeB, 'bind:smsc:')).length, 1, 'one slot in the store');
      assert.deepEqual(gatewayB.bindLeases.heldSlots('smsc'), []);
      assert.deepEqual(gatewayA.bindLeases.heldSlots('smsc'), [0]);
    });

    it('sends an SMPP client its receipt from the node it is bound to, though another matched it', async () => {
      await createSmppAccount(gatewayA, 'twonodes', 'secret12');
      let client: ForeignSession | undefined;
      try {
        // The account was made on A; B hears of it (settings notice) and authenticates the bind.
        const connected = connectForeign(smppPortOf(gatewayB));
        client = connected.session;
        const receipts: ForeignPdu[] = [];
        client.on('deliver_sm', (pdu: ForeignPdu) => {
          receipts.push(pdu);
          client!.send(pdu.response());
        });
        const bound = await call(client, 'bind_transceiver', { system_id: 'twonodes', password: 'secret12' });
        assert.equal(bound.command_status, 0);
        const submitted = await call(client, 'submit_sm', {
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: '447912009001',
          registered_delivery: 1,
          short_message: 'receipt across nodes',
        });
        assert.equal(submitted.command_status, 0);
        const id = submitted.message_id as string;
        // B has no upstream bind: A submits it, A's bind gets the receipt, A writes the event, and
        // B, which holds the client's bind, delivers it.
        const receipt = await waitUntil(
          () => receipts.find((r) => r.receipted_message_id === id),
          `the receipt of ${id} on the client's bind`,
          15_000,
        );
        assert.match(String((receipt.short_message as { message?: unknown }).message), /stat:DELIVRD/);
        // The client answers deliver_sm before B records the outcome: wait for the record rather
        // than read it the moment the PDU arrives.
        const states = await waitFor(
          async () => {
            const events = await storeB.db
              .selectFrom('events')
              .select(['state'])
              .where('url', 'like', 'smpp:%')
              .execute();
            const seen = events.map((e) => e.state);
            return seen.length === 1 && seen[0] !== 'pending' ? seen : undefined;
          },
          15_000,
          'the receipt event recorded as delivered',
        );
        assert.deepEqual(states, ['delivered']);
      } finally {
        client?.destroy();
      }
    });

    it('takes the bind over when the node holding it stops', async () => {
      await gatewayA.stop(false);
      // A clean stop frees the slot and says so: B binds without waiting for a lease to lapse.
      await waitFor(
        () => (gatewayB.connectors.get('smsc')!.status().state === 'up' ? true : undefined),
        5_000,
        'B bound',
      );
      assert.deepEqual(gatewayB.bindLeases.heldSlots('smsc'), [0]);
      const accepted = await callApi(gatewayB, 'POST', '/v1/messages', TEST_ADMIN_KEY, {
        to: '+447911299999',
        text: 'sent by B itself',
      });
      const id = (accepted.body.messages as { id: string }[])[0]!.id;
      await waitFor(async () => ((await status(gatewayB, id)) === 'delivered' ? true : undefined), 10_000);
      assert.equal(maxBinds, 1, 'still never two binds at once');
    });
  },
  describe,
);
