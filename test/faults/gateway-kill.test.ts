/**
 * SIGKILL of the gateway under load, then a restart on the same SQLite data: a real gateway
 * process bound to the SMPP simulator, every message with a webhook. The kill lands while
 * submissions are in the window and receipts and events are on their way; after the restart every
 * acknowledged message must be delivered with its final event, and the simulator may have seen
 * at most one window of messages twice per kill (docs/guarantees.md, "At least once upstream").
 * crash-recovery.test.ts covers the same crash with the built-in sim connector and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { GatewayProcess, killAllGateways, tempDir } from '../e2e/gateway-process.js';
import { TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import {
  distinctNumbers,
  duplicateSubmissions,
  printFigures,
  size,
  smppConnector,
  startSim,
  WINDOW,
} from './fault-kit.js';
import { fireLoad, type LoadResult } from './fault-load.js';
import { assertNothingLost, lostCount, notYetFinal, verdictAfterFault } from './fault-verdict.js';

describe('the gateway SIGKILLed under load, then restarted', () => {
  after(killAllGateways);

  it('every 202 ends delivered with its final event; duplicates ≤ one window per kill', async (t: TestContext) => {
    const kills = size(1, 3);
    const perCycle = size(1000, 1500);
    const { sim, port } = await startSim();
    const receiver = await WebhookReceiver.start(200);
    const dir = tempDir('fault-kill');
    try {
      let gateway = await GatewayProcess.start({
        dataDir: dir.path,
        adminKey: TEST_ADMIN_KEY,
        logLevel: 'warn',
        config: { connectors: [smppConnector('smsc', port)], webhooks: { allowPrivateAddresses: true } },
      });
      const accepted = new Map<string, string>();
      let atRisk = 0;
      let cut = 0;
      const absorb = (load: LoadResult) => {
        for (const [id, to] of load.accepted) accepted.set(id, to);
        cut += load.cut;
        assert.deepEqual([...load.refused.keys()], [], 'a gateway refused a message it could store');
      };
      for (let k = 0; k < kills; k++) {
        let killed: Promise<unknown> | undefined;
        const running = gateway;
        const load = await fireLoad({
          baseUrl: () => running.url,
          numbers: distinctNumbers(perCycle, 1_000_000 + k * 50_000),
          callbackUrl: receiver.url('/kill'),
          onAccepted: (n) => {
            if (n === perCycle / 2 && !killed) {
              atRisk += notYetFinal(receiver, accepted.size + n);
              killed = running.kill('SIGKILL');
            }
          },
        });
        await killed;
        assert.equal(running.exit?.signal, 'SIGKILL');
        absorb(load);
        gateway = await running.restart();
      }
      // The restarted gateway takes new work as well as the old.
      const afterwards = await fireLoad({
        baseUrl: () => gateway.url,
        numbers: distinctNumbers(size(200, 300), 1_200_000),
        callbackUrl: receiver.url('/kill'),
      });
      absorb(afterwards);
      const verdict = await verdictAfterFault(gateway.url, accepted, receiver);
      const duplicates = duplicateSubmissions([sim]);
      printFigures(t, {
        fault: 'SIGKILL of the gateway under load, then restart',
        faultsInjected: kills,
        accepted: accepted.size,
        atRisk,
        lost: lostCount(verdict),
        duplicates,
        duplicateWindow: kills * WINDOW,
        requeuedAfterRestart: verdict.requeued,
        requestsCutByTheKill: cut,
        eventRedeliveries: verdict.eventRedeliveries,
      });
      assert.ok(atRisk > 0, 'nothing was in flight when the gateway died');
      assertNothingLost(verdict, accepted.size);
      assert.ok(
        duplicates <= kills * WINDOW,
        `${duplicates} duplicates for ${kills} kills of a ${WINDOW} window`,
      );
      assert.ok(duplicates <= verdict.requeued, 'a duplicate of a message no restart caught submitting');
      await gateway.kill('SIGTERM');
    } finally {
      await killAllGateways();
      await sim.stop();
      await receiver.close();
      dir.remove();
    }
  });
});
