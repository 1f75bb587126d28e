/**
 * PostgreSQL stopped and started under load: a real gateway process on a private PostgreSQL server
 * (never the machine's shared one), bound to the SMPP simulator, every message with a webhook.
 * The server is crashed (`pg_ctl stop -m immediate`) and, in the full run, also shut down cleanly
 * (`-m fast`), each time while messages are accepted, submitted and receipted. While it is away
 * the gateway must answer — 503 `store_unavailable` to sends, /health 200, /ready 503 — and not
 * exit; once it is back every acknowledged message ends delivered with its events.
 */
import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { GatewayProcess, killAllGateways, tempDir } from '../e2e/gateway-process.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import {
  distinctNumbers,
  duplicateCauses,
  duplicateSubmissions,
  FULL_RUN,
  nthDistinctNumber,
  printFigures,
  size,
  smppConnector,
  startSim,
  WINDOW,
} from './fault-kit.js';
import { fireLoad, refusedSummary } from './fault-load.js';
import { assertNothingLost, lostCount, notYetFinal, verdictAfterFault } from './fault-verdict.js';
import { PrivatePostgres, privatePostgresUnavailable } from './private-postgres.js';

const reason = privatePostgresUnavailable();
const skip = reason && process.env.CI !== 'true' ? `PRIVATE POSTGRESQL NOT TESTED: ${reason}` : false;
if (skip) process.stderr.write(`\n*** ${skip} ***\n\n`);

/** How long each outage lasts. */
const OUTAGE_MS = size(5_000, 15_000);

async function status(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: await response.text() };
}

describe('PostgreSQL restarted under load', { skip }, () => {
  after(killAllGateways);

  it('answers 503 while it is away, never exits, and loses nothing once it is back', async (t: TestContext) => {
    const modes: ('immediate' | 'fast')[] = FULL_RUN ? ['immediate', 'fast', 'immediate'] : ['immediate'];
    const perOutage = size(600, 800);
    const server = await PrivatePostgres.create();
    const { sim, port } = await startSim();
    const receiver = await WebhookReceiver.start(200);
    const dir = tempDir('fault-pg');
    try {
      const gateway = await GatewayProcess.start({
        dataDir: dir.path,
        databaseUrl: server.url,
        adminKey: TEST_ADMIN_KEY,
        logLevel: 'warn',
        config: { connectors: [smppConnector('smsc', port)], webhooks: { allowPrivateAddresses: true } },
      });
      let atRisk = 0;
      const during = {
        health: new Set<number>(),
        ready: new Set<number>(),
        sends: new Map<number, string>(),
      };
      let outages = 0;
      let probes = 0;
      const outage = async (mode: 'immediate' | 'fast', acceptedSoFar: number) => {
        atRisk += notYetFinal(receiver, acceptedSoFar);
        await server.stop(mode);
        outages++;
        const downAt = Date.now();
        // The gateway notices: a send is refused with 503 rather than hanging or crashing.
        const refused = waitFor(
          async () => {
            const answer = await fetch(`${gateway.url}/v1/messages`, {
              method: 'POST',
              headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
              // A number of its own per probe: one the store took before it went away is a message, not a duplicate.
              body: JSON.stringify({ to: nthDistinctNumber(1_250_000, probes++), text: 'while away' }),
              signal: AbortSignal.timeout(30_000),
            });
            const body = await answer.text();
            if (answer.status === 202) return undefined; // the pool had not noticed yet: try again
            during.sends.set(answer.status, body);
            return true;
          },
          30_000,
          'a send refused while PostgreSQL is down',
        );
        await refused.catch(async (error: Error) => {
          await gateway.exited.then(() => undefined);
          throw new Error(
            `${error.message}; gateway exit ${JSON.stringify(gateway.exit)}\n${gateway.stderr}\n${gateway.stdout.slice(-3000)}`,
          );
        });
        during.health.add((await status(`${gateway.url}/health`)).status);
        during.ready.add((await status(`${gateway.url}/ready`)).status);
        await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
        await server.start();
      };
      const accepted = new Map<string, string>();
      const refusals: Record<string, unknown>[] = [];
      for (const [k, mode] of modes.entries()) {
        let injected: Promise<void> | undefined;
        const load = await fireLoad({
          baseUrl: () => gateway.url,
          numbers: distinctNumbers(perOutage, 1_000_000 + k * 20_000),
          callbackUrl: receiver.url('/pg'),
          concurrency: 6,
          // Spread the load over the outage instead of spending it on refusals.
          spacingMs: 10,
          retryRefused: true,
          onAccepted: (n) => {
            if (n === perOutage / 4 && !injected) injected = outage(mode, accepted.size + n);
          },
        });
        await injected;
        assert.equal(
          load.accepted.size +
            load.cut +
            [...load.refused].filter(([s]) => s !== 503).reduce((n, [, r]) => n + r.count, 0),
          perOutage,
          `a 503 refused a number for good: ${JSON.stringify(refusedSummary(load))}`,
        );
        for (const [id, to] of load.accepted) accepted.set(id, to);
        refusals.push(refusedSummary(load));
        const unexpected = gateway.logs().find((l) => l.msg === 'unexpected error while handling a request');
        for (const statusCode of load.refused.keys())
          assert.equal(statusCode, 503, `${JSON.stringify(refusals)}\n${JSON.stringify(unexpected)}`);
        assert.equal(gateway.exit, undefined, `the gateway exited\n${gateway.stderr}`);
      }
      // A probe stored before the pool noticed is one more message, delivered like the rest: the
      // stats check covers it.
      const verdict = await verdictAfterFault(gateway.url, accepted, receiver, { timeoutMs: 300_000 });
      const duplicates = duplicateSubmissions([sim]);
      const causes = await duplicateCauses(gateway.url, TEST_ADMIN_KEY, [sim]);
      printFigures(t, {
        fault: `PostgreSQL stopped (${modes.join(', ')}) for ${OUTAGE_MS / 1000} s under load`,
        faultsInjected: outages,
        accepted: accepted.size,
        atRisk,
        lost: lostCount(verdict),
        duplicates,
        duplicateWindow: outages * WINDOW,
        duplicateCauses: causes,
        refusedWhileDown: refusals,
        sendAnswerWhileDown: Object.fromEntries(during.sends),
        healthWhileDown: [...during.health],
        readyWhileDown: [...during.ready],
        eventRedeliveries: verdict.eventRedeliveries,
      });
      assert.deepEqual([...during.sends.keys()], [503]);
      assert.match([...during.sends.values()][0]!, /store_unavailable/);
      assert.deepEqual([...during.health], [200]);
      assert.deepEqual([...during.ready], [503]);
      assertNothingLost(verdict, accepted.size);
      // The process lives through the outages: status writes wait for the store, nothing is
      // resubmitted. (A COMMIT whose answer the restart cut off is ambiguous: the client got a 503
      // for a message that was stored, and sent it again — `storedTwice`, printed; an
      // Idempotency-Key is what protects a client from that, docs/guarantees.md.)
      assert.equal(causes.resubmitted, 0, `${JSON.stringify(causes)} for ${outages} outages`);
      assert.ok(duplicates <= outages * WINDOW, `${duplicates} duplicates for ${outages} outages`);
      assert.equal(gateway.exit, undefined, `the gateway exited\n${gateway.stderr}`);
      await gateway.kill('SIGTERM');
    } finally {
      await killAllGateways();
      await sim.stop();
      await receiver.close();
      await server.destroy();
      dir.remove();
    }
  });
});
