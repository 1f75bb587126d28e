/**
 * The gateway's wall clock jumps under load, forward an hour and back by a minute or two, while
 * the SMSC throttles (so retries are waiting on due times) and events are delivered. The gateway
 * has no fake clock, so clock-shift.mjs is preloaded into the real process and steps its Date on
 * SIGUSR2. Every message must still end delivered with its events, none submitted twice; a
 * backward jump may only delay what was due (docs/guarantees.md, "Clock jumps").
 */
import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatewayProcess, killAllGateways, tempDir } from '../e2e/gateway-process.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import {
  distinctNumbers,
  duplicateSubmissions,
  printFigures,
  size,
  smppConnector,
  startSim,
} from './fault-kit.js';
import { fireLoad } from './fault-load.js';
import { assertNothingLost, lostCount, notYetFinal, verdictAfterFault } from './fault-verdict.js';

const SHIFT = fileURLToPath(new URL('./clock-shift.mjs', import.meta.url));

/** Starts a gateway whose Date moves by `stepMs` per SIGUSR2 (NODE_OPTIONS reaches only children started now). */
async function startShiftable(stepMs: number, options: Parameters<typeof GatewayProcess.start>[0]) {
  const saved = { options: process.env.NODE_OPTIONS, step: process.env.FAULT_CLOCK_STEP_MS };
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --import ${SHIFT}`.trim();
  process.env.FAULT_CLOCK_STEP_MS = String(stepMs);
  try {
    return await GatewayProcess.start(options);
  } finally {
    if (saved.options === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.options;
    if (saved.step === undefined) delete process.env.FAULT_CLOCK_STEP_MS;
    else process.env.FAULT_CLOCK_STEP_MS = saved.step;
  }
}

async function jumpUnderLoad(t: TestContext, stepMs: number, firstNumber: number): Promise<void> {
  const total = size(200, 800);
  const { sim, port } = await startSim({ throttleEvery: 5 });
  const receiver = await WebhookReceiver.start(200);
  const dir = tempDir('fault-clock');
  try {
    const gateway = await startShiftable(stepMs, {
      dataDir: dir.path,
      adminKey: TEST_ADMIN_KEY,
      logLevel: 'warn',
      config: { connectors: [smppConnector('smsc', port)], webhooks: { allowPrivateAddresses: true } },
    });
    let atRisk = 0;
    let jumped = false;
    const load = await fireLoad({
      baseUrl: () => gateway.url,
      numbers: distinctNumbers(total, firstNumber),
      callbackUrl: receiver.url('/clock'),
      concurrency: 6,
      spacingMs: 5,
      onAccepted: async (n) => {
        if (n !== total / 2 || jumped) return;
        jumped = true;
        atRisk = notYetFinal(receiver, n);
        gateway.child.kill('SIGUSR2');
        await waitFor(
          () => (gateway.logs().some((l) => l.msg === 'test clock stepped') ? true : undefined),
          10_000,
          'the clock step',
        );
      },
    });
    const verdict = await verdictAfterFault(gateway.url, load.accepted, receiver, { timeoutMs: 300_000 });
    const duplicates = duplicateSubmissions([sim]);
    printFigures(t, {
      fault: `wall clock stepped ${stepMs > 0 ? '+' : ''}${stepMs / 1000} s under load (SMSC throttling)`,
      faultsInjected: 1,
      accepted: load.accepted.size,
      atRisk,
      lost: lostCount(verdict),
      duplicates,
      duplicateWindow: 0,
      retriesWaiting: sim.counters.throttled,
      eventRedeliveries: verdict.eventRedeliveries,
    });
    assert.ok(jumped, 'the clock never jumped');
    assert.equal(load.accepted.size, total);
    assertNothingLost(verdict, load.accepted.size);
    assert.equal(duplicates, 0, 'a jump made the gateway submit a message twice');
    assert.equal(gateway.exit, undefined);
    await gateway.kill('SIGTERM');
  } finally {
    await killAllGateways();
    await sim.stop();
    await receiver.close();
    dir.remove();
  }
}

describe('the wall clock jumps under load', () => {
  after(killAllGateways);

  it('forward an hour: nothing expires early, nothing is lost or sent twice', async (t) => {
    await jumpUnderLoad(t, 3_600_000, 1_000_000);
  });

  it('backward: what was due waits at most the jump, nothing is lost or sent twice', async (t) => {
    await jumpUnderLoad(t, -size(30_000, 60_000), 1_100_000);
  });
});
