/**
 * Faults of the SMSC, under load, against a real gateway process bound over real sockets to the
 * repository's SMSC simulator, with the shipped SMPP, retry and webhook timings: the connection
 * dropped mid-window, ESME_RTHROTTLED, and an SMSC that never answers submit_sm. After each,
 * every acknowledged message is delivered with its events, and duplicates stay inside the
 * documented window (docs/guarantees.md).
 */
import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import type { SmscSimOptions } from '../../src/smsc-sim/smsc-sim-options.js';
import type { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
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
import { fireLoad, refusedSummary } from './fault-load.js';
import { assertNothingLost, lostCount, notYetFinal, verdictAfterFault } from './fault-verdict.js';

interface Run {
  sims: SmscSimulator[];
  receiver: WebhookReceiver;
  gateway: GatewayProcess;
  remove: () => void;
}

const runs: Run[] = [];

/** A gateway on its own SQLite data with the given connectors (and routes) to fresh simulators. */
async function setUp(simOptions: SmscSimOptions[], routes?: unknown[]): Promise<Run> {
  const started = await Promise.all(simOptions.map((o) => startSim(o)));
  const receiver = await WebhookReceiver.start(200);
  const dir = tempDir('smsc-fault');
  const gateway = await GatewayProcess.start({
    dataDir: dir.path,
    adminKey: TEST_ADMIN_KEY,
    logLevel: 'warn',
    config: {
      connectors: started.map((s, i) => smppConnector(`smsc${i}`, s.port)),
      ...(routes ? { routes } : {}),
      webhooks: { allowPrivateAddresses: true },
    },
  });
  const run = { sims: started.map((s) => s.sim), receiver, gateway, remove: dir.remove };
  runs.push(run);
  return run;
}

describe('SMSC faults under load (shipped timings)', () => {
  after(async () => {
    await killAllGateways();
    for (const run of runs) {
      for (const sim of run.sims) await sim.stop();
      await run.receiver.close();
      run.remove();
    }
  });

  it('the SMSC drops the connection mid-window: every message delivered, duplicates ≤ drops × window', async (t: TestContext) => {
    const total = size(400, 1500);
    // Answers 5 ms late, so each drop strands a window of submissions the SMSC has taken but not answered.
    const { sims, receiver, gateway } = await setUp([{ dropEvery: 150, responseDelayMs: 5 }]);
    const sim = sims[0]!;
    let atRisk = 0;
    const load = await fireLoad({
      baseUrl: () => gateway.url,
      numbers: distinctNumbers(total, 1_000_000),
      callbackUrl: receiver.url('/drop'),
      // At the first drop: the messages acknowledged and not yet final.
      onAccepted: (n) => {
        if (atRisk === 0 && sim.counters.dropped > 0) atRisk = notYetFinal(receiver, n);
      },
    });
    const verdict = await verdictAfterFault(gateway.url, load.accepted, receiver);
    const drops = sim.counters.dropped;
    const duplicates = duplicateSubmissions(sims);
    printFigures(t, {
      fault: 'SMSC drops the connection mid-window',
      faultsInjected: drops,
      accepted: load.accepted.size,
      atRisk,
      lost: lostCount(verdict),
      duplicates,
      duplicateWindow: drops * WINDOW,
      retriedAfterLoss: verdict.requeued,
      eventRedeliveries: verdict.eventRedeliveries,
      refused: refusedSummary(load),
    });
    assert.ok(drops >= 2, `only ${drops} drops: the fault was barely injected`);
    assert.equal(load.accepted.size, total, `refused: ${JSON.stringify(refusedSummary(load))}`);
    assertNothingLost(verdict, load.accepted.size);
    assert.ok(
      verdict.requeued > 0,
      'no submission was retried after a drop: the drops hit nothing in flight',
    );
    assert.ok(
      duplicates <= drops * WINDOW,
      `${duplicates} duplicates for ${drops} drops of a ${WINDOW} window`,
    );
  });

  it('the SMSC throttles (ESME_RTHROTTLED): every message delivered, none submitted twice', async (t: TestContext) => {
    const total = size(300, 1500);
    const { sims, receiver, gateway } = await setUp([{ throttleEvery: 7 }]);
    const sim = sims[0]!;
    let atRisk = 0;
    const load = await fireLoad({
      baseUrl: () => gateway.url,
      numbers: distinctNumbers(total, 2_000_000),
      callbackUrl: receiver.url('/throttle'),
      onAccepted: (n) => {
        if (atRisk === 0 && sim.counters.throttled > 0) atRisk = notYetFinal(receiver, n);
      },
    });
    const verdict = await verdictAfterFault(gateway.url, load.accepted, receiver);
    const duplicates = duplicateSubmissions(sims);
    printFigures(t, {
      fault: 'SMSC throttles (every 7th submit_sm ESME_RTHROTTLED)',
      faultsInjected: sim.counters.throttled,
      accepted: load.accepted.size,
      atRisk,
      lost: lostCount(verdict),
      duplicates,
      duplicateWindow: 0,
      retriedAfterThrottle: verdict.requeued,
      eventRedeliveries: verdict.eventRedeliveries,
    });
    assert.ok(sim.counters.throttled >= total / 10, `${sim.counters.throttled} throttled answers`);
    assert.equal(load.accepted.size, total, `refused: ${JSON.stringify(refusedSummary(load))}`);
    assertNothingLost(verdict, load.accepted.size);
    // A throttled submit_sm was refused, not taken: resubmitting it can never duplicate.
    assert.equal(duplicates, 0);
  });

  it('the SMSC never answers submit_sm: the failover SMSC delivers every message after the response timeout', async (t: TestContext) => {
    // Each window of submissions waits out the response timeout (10 s) before failing over.
    const total = size(60, 160);
    const { sims, receiver, gateway } = await setUp(
      [{ neverRespond: true }, {}],
      [{ failover: ['smsc0', 'smsc1'] }],
    );
    const [blackHole, healthy] = [sims[0]!, sims[1]!];
    const load = await fireLoad({
      baseUrl: () => gateway.url,
      numbers: distinctNumbers(total, 3_000_000),
      callbackUrl: receiver.url('/black-hole'),
    });
    const atRisk = blackHole.counters.unanswered;
    const verdict = await verdictAfterFault(gateway.url, load.accepted, receiver);
    const duplicates = duplicateSubmissions(sims);
    printFigures(t, {
      fault: 'SMSC never answers submit_sm (failover to a second SMSC)',
      faultsInjected: blackHole.counters.unanswered,
      accepted: load.accepted.size,
      atRisk,
      lost: lostCount(verdict),
      duplicates,
      // Every unanswered submit_sm is ambiguous: the SMSC may have taken it.
      duplicateWindow: blackHole.counters.unanswered,
      deliveredByFailover: healthy.submits.length,
      eventRedeliveries: verdict.eventRedeliveries,
    });
    assert.ok(blackHole.counters.unanswered > 0, 'nothing was sent into the black hole');
    assert.equal(load.accepted.size, total, `refused: ${JSON.stringify(refusedSummary(load))}`);
    assertNothingLost(verdict, load.accepted.size);
    assert.equal(healthy.submits.length, total, 'the failover SMSC took every message once');
    const ready = await fetch(`${gateway.url}/ready`);
    assert.equal(ready.status, 200, await ready.text());
  });
});
