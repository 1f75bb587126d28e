import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/text-encoding.js';
import type { Gateway } from '../../src/gateway.js';
import type { SmscSimOptions } from '../../src/smsc-sim/smsc-sim-options.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import { countByStatus, findHistory, findParts } from '../../src/store/queries/messages-read.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';

const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;

/** 1,000 texts: short GSM, UCS-2 with emoji, and 400-character GSM texts; each one unique. */
function texts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 3 === 0) return `Code ${i}: 4711 €`;
    if (i % 3 === 1) return `Grüße ${i} 😀👍 — привет`;
    return `${i} `.padEnd(400, 'abcdefghij');
  });
}

function recipient(i: number): string {
  return `+4479111${String(i).padStart(4, '0')}7`;
}

interface Harness {
  store: TestStore;
  simulator: SmscSimulator;
  gateway: Gateway;
}

async function startHarness(
  simOptions: SmscSimOptions,
  connector: Record<string, unknown> = {},
): Promise<Harness> {
  const simulator = new SmscSimulator({ receiptDelayMs: 5, ...simOptions });
  const port = await simulator.start(0);
  const store = await sqlite.open();
  const gateway = await startTestGateway(store, {
    config: {
      connectors: [
        {
          name: 'smsc',
          type: 'smpp',
          host: '127.0.0.1',
          port,
          systemId: 'smsgate',
          password: 'secret',
          binds: 2,
          window: 20,
          responseTimeoutSeconds: 2,
          reconnectMinSeconds: 0.05,
          reconnectMaxSeconds: 0.5,
          submitIdFormat: 'hex',
          receiptIdFormat: 'hex',
          ...connector,
        } as never,
      ],
      queue: { maxAttempts: 20 },
    },
  });
  await waitFor(
    () => (gateway.connectors.get('smsc')!.status().state === 'up' ? true : undefined),
    10_000,
    'binds up',
  );
  return { store, simulator, gateway };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.gateway.stop(false);
  await h.simulator.stop();
  await h.store.destroy();
}

async function sendAll(gateway: Gateway, bodies: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < bodies.length; start += 50) {
    const batch = bodies.slice(start, start + 50).map(async (text, offset) => {
      const response = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: ADMIN_AUTH,
        payload: { to: recipient(start + offset), text, from: 'ACME' },
      });
      assert.equal(response.statusCode, 202, response.body);
      return response.json().messages[0].id as string;
    });
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

describe('SMPP connector end to end against the SMSC simulator', () => {
  describe('1,000 messages, clean link', () => {
    let h: Harness | undefined;
    const bodies = texts(1000);
    let ids: string[] = [];
    before(async () => {
      h = await startHarness({});
      ids = await sendAll(h.gateway, bodies);
      await waitFor(
        async () => ((await countByStatus(h!.store)).delivered === 1000 ? true : undefined),
        90_000,
        '1,000 delivered',
      );
    });
    after(() => stopHarness(h));

    it('delivers every message', async () => {
      assert.deepEqual(await countByStatus(h!.store), { delivered: 1000 });
    });

    it('submitted exactly the expected segments, with correct UDH, encodings and addresses', () => {
      const expected = bodies.reduce((sum, text) => sum + analyzeText(text).segments, 0);
      const submits = h!.simulator.submits;
      assert.equal(submits.length, expected);
      const byDestination = new Map<string, typeof submits>();
      for (const submit of submits) {
        const list = byDestination.get(submit.destinationAddr) ?? [];
        list.push(submit);
        byDestination.set(submit.destinationAddr, list);
      }
      bodies.forEach((text, i) => {
        const analysis = analyzeText(text);
        const parts = byDestination.get(recipient(i).slice(1))!;
        assert.equal(parts.length, analysis.segments, `segments of message ${i}`);
        for (const part of parts) {
          assert.equal(part.dataCoding, analysis.encoding === 'ucs2' ? 8 : 0);
          assert.equal(part.destAddrTon, 1);
          assert.equal(part.sourceAddr, 'ACME');
          assert.equal(part.sourceAddrTon, 5, 'alphanumeric sender');
          assert.equal(part.registeredDelivery & 1, 1);
        }
        if (analysis.segments > 1) {
          const references = new Set(parts.map((p) => p.concat?.reference));
          assert.equal(references.size, 1, 'one reference per message');
          assert.deepEqual(
            parts.map((p) => p.concat?.seqnum).sort(),
            Array.from({ length: analysis.segments }, (_, k) => k + 1),
          );
          for (const p of parts) assert.equal(p.concat?.total, analysis.segments);
          const ordered = [...parts].sort((a, b) => a.concat!.seqnum - b.concat!.seqnum);
          assert.equal(ordered.map((p) => p.text).join(''), text);
        } else {
          assert.equal(parts[0]!.concat, undefined);
          assert.equal(parts[0]!.text, text);
        }
      });
    });

    it('stores every segment upstream id and a history ending delivered', async () => {
      for (const id of ids.slice(0, 30)) {
        const history = await findHistory(h!.store, id);
        assert.deepEqual(
          history.map((x) => x.status),
          ['queued', 'sending', 'sent', 'delivered'],
        );
        const parts = await findParts(h!.store, id);
        assert.ok(parts.length >= 1);
        for (const part of parts) assert.equal(part.status === 'delivered' || parts.length === 1, true);
      }
    });
  });

  describe('separate transmitter and receiver binds, SAR segments, decimal receipt ids', () => {
    let h: Harness | undefined;
    const bodies = texts(60);
    before(async () => {
      h = await startHarness(
        { messageIdFormat: 'hex', receiptIdFormat: 'decimal' },
        {
          bindMode: 'transmitter',
          binds: 1,
          receiverBinds: 1,
          longMessages: 'sar',
          receiptIdFormat: 'decimal',
        },
      );
      await sendAll(h.gateway, bodies);
      await waitFor(
        async () => ((await countByStatus(h!.store)).delivered === 60 ? true : undefined),
        60_000,
        '60 delivered',
      );
    });
    after(() => stopHarness(h));

    it('receives receipts on the receiver bind and matches hex submit ids with decimal receipt ids', async () => {
      assert.deepEqual(await countByStatus(h!.store), { delivered: 60 });
      const modes = h!.simulator.boundSessions.map((s) => s.state).sort();
      assert.deepEqual(modes, ['bound_rx', 'bound_tx']);
    });

    it('sends long texts as SAR segments without a UDH', () => {
      const long = h!.simulator.submits.filter((s) => s.sar !== undefined);
      assert.equal(long.length, 20 * 3, 'twenty 400-character texts of three segments');
      for (const submit of long) {
        assert.equal(submit.esmClass & 0x40, 0);
        assert.equal(submit.concat, undefined);
        assert.equal(submit.sar!.total, 3);
      }
    });
  });

  describe('throttling and dropped connections', () => {
    let h: Harness | undefined;
    const bodies = texts(300);
    before(async () => {
      h = await startHarness({ throttleEvery: 7, dropEvery: 40 });
      await sendAll(h.gateway, bodies);
      await waitFor(
        async () => ((await countByStatus(h!.store)).delivered === 300 ? true : undefined),
        120_000,
        '300 delivered despite throttling and drops',
      );
    });
    after(() => stopHarness(h));

    it('still delivers everything', async () => {
      assert.deepEqual(await countByStatus(h!.store), { delivered: 300 });
      assert.ok(h!.simulator.counters.throttled > 0, 'the simulator throttled');
      assert.ok(h!.simulator.counters.dropped > 0, 'the simulator dropped connections');
    });

    it('submits no segment twice except those whose response a dropped connection lost', () => {
      const seen = new Map<string, number>();
      for (const submit of h!.simulator.submits) {
        const key = `${submit.destinationAddr}|${submit.concat?.seqnum ?? 0}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      const duplicates = [...seen.values()].reduce((sum, n) => sum + (n - 1), 0);
      // A drop can lose the answers to at most a window's worth of accepted submits per bind.
      assert.ok(duplicates <= h!.simulator.counters.dropped * 20, `${duplicates} duplicates`);
      process.stdout.write(
        `# ${duplicates} duplicate submits after ${h!.simulator.counters.dropped} drops, ${h!.simulator.counters.throttled} throttled\n`,
      );
    });
  });
});
