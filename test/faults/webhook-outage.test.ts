/**
 * The webhook receiver is down (its port refuses connections) for minutes while messages keep
 * changing status, with the SHIPPED webhook settings (probe 1 s doubling to 30 s, retried for
 * 24 h): the outage is long enough for the destination's probe interval to reach its cap. When
 * the receiver comes back, every event arrives, in order per message, none dead-lettered.
 * (bench/webhook-outage.ts measures the wait after recovery; this proves nothing is lost.)
 */
import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { api, GatewayProcess, killAllGateways, tempDir } from '../e2e/gateway-process.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { distinctNumbers, printFigures, size } from './fault-kit.js';
import { fireLoad } from './fault-load.js';
import { assertNothingLost, lostCount, notYetFinal, verdictAfterFault } from './fault-verdict.js';

/** Reduced: 70 s (1 + 2 + 4 + 8 + 16 s of probes, then the 30 s cap). Full: 5 minutes. */
const OUTAGE_MS = size(70_000, 300_000);

async function eventCount(url: string, state: string): Promise<number> {
  const { status, body } = await api<{ data: unknown[] }>(
    url,
    TEST_ADMIN_KEY,
    'GET',
    `/v1/events?state=${state}&limit=1000`,
  );
  assert.equal(status, 200, JSON.stringify(body));
  return body.data.length;
}

describe('the webhook receiver down for minutes (shipped retry settings)', () => {
  after(killAllGateways);

  it('delivers every event once it is back, in order per message, none dead', async (t: TestContext) => {
    const receiver = await WebhookReceiver.start(200);
    const dir = tempDir('fault-webhooks');
    try {
      const gateway = await GatewayProcess.start({
        dataDir: dir.path,
        adminKey: TEST_ADMIN_KEY,
        logLevel: 'warn',
        // Only the upstream is chosen: every webhook timing is the shipped default.
        config: { connectors: [{ name: 'sim', type: 'sim' }], webhooks: { allowPrivateAddresses: true } },
      });
      await receiver.close();
      const downAt = Date.now();
      const load = await fireLoad({
        baseUrl: () => gateway.url,
        numbers: distinctNumbers(size(200, 1000), 1_100_000),
        callbackUrl: receiver.url('/down'),
        concurrency: 4,
      });
      const atRisk = notYetFinal(receiver, load.accepted.size);
      // The outage is observable: events are waiting in the outbox.
      await waitFor(
        async () => ((await eventCount(gateway.url, 'pending')) > 0 ? true : undefined),
        30_000,
        'pending events while the receiver is down',
      );
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
      const pendingAtRecovery = await eventCount(gateway.url, 'pending');
      await receiver.reopen();
      const upAt = Date.now();
      const verdict = await verdictAfterFault(gateway.url, load.accepted, receiver, { timeoutMs: 300_000 });
      const recoveredAfterMs = Date.now() - upAt;
      await waitFor(
        async () => ((await eventCount(gateway.url, 'pending')) === 0 ? true : undefined),
        60_000,
        'no pending event',
      );
      const dead = await eventCount(gateway.url, 'dead');
      printFigures(t, {
        fault: `webhook receiver down ${OUTAGE_MS / 1000} s (shipped settings)`,
        faultsInjected: 1,
        accepted: load.accepted.size,
        atRisk,
        lost: lostCount(verdict),
        duplicates: 0,
        duplicateWindow: 0,
        eventsPendingAtRecovery: pendingAtRecovery,
        eventsDelivered: receiver.requests.filter((r) => r.answered === 200).length,
        eventRedeliveries: verdict.eventRedeliveries,
        dead,
        lastEventAfterRecoveryMs: recoveredAfterMs,
      });
      assert.equal(load.accepted.size, size(200, 1000));
      assert.ok(pendingAtRecovery > 0, 'no event waited for the receiver');
      assertNothingLost(verdict, load.accepted.size);
      assert.equal(dead, 0, 'an event was dead-lettered');
      assert.equal(verdict.eventRedeliveries, 0, 'an acknowledged event was delivered again');
      await gateway.kill('SIGTERM');
    } finally {
      await receiver.close();
      dir.remove();
    }
  });
});
