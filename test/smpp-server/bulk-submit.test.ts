import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { waitFor } from '../helpers/gateway.js';
import { BulkClient } from './bulk-client.js';
import { createSmppAccount, smppPortOf, startSmppGateway } from './smpp-server-kit.js';

/**
 * 10,000 submit_sm through a window of 50: every one answered, every receipt delivered back as a
 * deliver_sm. Half-way the client's connection is cut (no unbind); the receipts that come meanwhile
 * wait in the outbox and arrive after the client binds again. Production timings throughout.
 * On PostgreSQL the same run with 2,000 submits: its accept path commits a few hundred sends a
 * second on our 2-core CI machine, and 10,000 would take most of a minute (bench/ measures speed).
 */

const TOTAL_BY_DIALECT = { sqlite: 10_000, postgres: 2_000 } as const;
const WINDOW = 50;

await describeEachDatabase(
  'SMPP server: bulk submits through a window of 50, a cut connection half-way',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    const TOTAL = TOTAL_BY_DIALECT[db.dialect];

    before(async () => {
      store = await db.open();
      gateway = await startSmppGateway(store, {
        connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 50 }],
      });
      await createSmppAccount(gateway, 'bulk1', 'pass1234');
    });

    after(async () => {
      await gateway?.stop(false);
      await store?.destroy();
    });

    it(`answers every one of ${TOTAL} submits and delivers every receipt, those of the cut half after the rebind`, async () => {
      const client = new BulkClient(smppPortOf(gateway), 'bulk1', 'pass1234', WINDOW);
      await client.bind();
      await client.submitRange(0, TOTAL / 2);
      assert.equal(client.answered.size, TOTAL / 2);
      client.cut();
      await waitFor(
        () => (gateway.smpp.status().length === 0 ? true : undefined),
        10_000,
        'the cut bind gone',
      );
      const before = client.receipted.size;

      await client.bind();
      await client.submitRange(TOTAL / 2, TOTAL);
      assert.equal(client.unanswered, 0);
      assert.equal(client.answered.size, TOTAL, `refusals: ${JSON.stringify([...client.refusals])}`);
      await waitFor(
        () => (client.missingReceipts().length === 0 ? true : undefined),
        120_000,
        'every receipt',
      );
      // The last submits' receipts (50 ms behind their answers) cannot have come before the cut:
      // they waited in the outbox and came over the second bind.
      assert.ok(before < TOTAL / 2, `${before} receipts before the cut`);
      const [bind] = gateway.smpp.status();
      assert.ok(bind, 'the second bind is up');
      assert.ok(bind.counters.receiptsSent >= TOTAL / 2);
      await client.unbind();
    });
  },
  describe,
);
