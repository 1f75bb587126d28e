/**
 * What every fault test shares: the size of a run (reduced in `npm test`, full in
 * `npm run test:faults`), a gateway process wired to a real SMPP simulator and a real webhook
 * receiver, a load that records every acknowledgement, and the check made after each fault.
 */

import { appendFileSync } from 'node:fs';
import type { SmscSimOptions } from '../../src/smsc-sim/smsc-sim-options.js';
import { DEFAULT_PASSWORD, DEFAULT_SYSTEM_ID } from '../../src/smsc-sim/smsc-sim-options.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';

/** `SMSGATE_FAULTS=full` (npm run test:faults) runs every fault at its full size. */
export const FULL_RUN = process.env.SMSGATE_FAULTS === 'full';

/** The reduced figure in `npm test`, the full one in `npm run test:faults`. */
export function size(reduced: number, full: number): number {
  return FULL_RUN ? full : reduced;
}

/** The SMPP window the fault gateways bind with: the most submissions one bind has unanswered. */
export const WINDOW = 20;

/**
 * `count` distinct valid UK mobile numbers starting at `first` (pick far-apart `first`s per test),
 * none ending in a simulator rule suffix (0000–0003), so every one is delivered.
 */
export function distinctNumbers(count: number, first: number): string[] {
  const out: string[] = [];
  for (let n = first; out.length < count; n++) {
    if (n % 10_000 <= 3) continue;
    out.push(`+44791${String(n).padStart(7, '0')}`);
  }
  return out;
}

/**
 * The `n`th number of `distinctNumbers(…, first)`: one number of its own per call with n = 0, 1, 2…
 * (`distinctNumbers(1, first + n)` is not: the skipped numbers make several n give one number).
 */
export function nthDistinctNumber(first: number, n: number): string {
  return distinctNumbers(n + 1, first)[n]!;
}

/** A simulator on a free port of 127.0.0.1 (receipts 300 ms after the answer unless told). */
export async function startSim(options: SmscSimOptions = {}): Promise<{ sim: SmscSimulator; port: number }> {
  const sim = new SmscSimulator({ receiptDelayMs: 300, ...options });
  const port = await sim.start(0);
  return { sim, port };
}

/** An SMPP connector on the simulator at `port`, with the shipped timings (only the window set). */
export function smppConnector(name: string, port: number): Record<string, unknown> {
  return {
    name,
    type: 'smpp',
    host: '127.0.0.1',
    port,
    systemId: DEFAULT_SYSTEM_ID,
    password: DEFAULT_PASSWORD,
    window: WINDOW,
  };
}

/** Submissions the simulators accepted (answered ESME_ROK) beyond the first, per destination. */
export function duplicateSubmissions(sims: readonly SmscSimulator[]): number {
  const perDestination = new Map<string, number>();
  let total = 0;
  for (const sim of sims) {
    for (const submit of sim.submits) {
      total++;
      perDestination.set(submit.destinationAddr, (perDestination.get(submit.destinationAddr) ?? 0) + 1);
    }
  }
  return total - perDestination.size;
}

/**
 * What each duplicated destination was, asked of the gateway: one message submitted more than once
 * (`resubmitted`, with the history of the first few), or several messages stored for one number
 * (`storedTwice`: a send the client was refused, 503, that the store had committed after all, then
 * sent again by the client). The two break different promises, so a run says which it saw.
 */
export async function duplicateCauses(
  baseUrl: string,
  adminKey: string,
  sims: readonly SmscSimulator[],
): Promise<{ resubmitted: number; storedTwice: number; examples: string[] }> {
  const perDestination = new Map<string, number>();
  for (const sim of sims)
    for (const submit of sim.submits)
      perDestination.set(submit.destinationAddr, (perDestination.get(submit.destinationAddr) ?? 0) + 1);
  const causes = { resubmitted: 0, storedTwice: 0, examples: [] as string[] };
  const headers = { authorization: `Bearer ${adminKey}` };
  for (const [destination, submissions] of perDestination) {
    if (submissions < 2) continue;
    const to = `+${destination.replace(/^\+/, '')}`;
    const list = (await (
      await fetch(`${baseUrl}/v1/messages?to=${encodeURIComponent(to)}`, { headers })
    ).json()) as { data: { id: string }[] };
    if (list.data.length > 1) {
      causes.storedTwice += submissions - 1;
      continue;
    }
    causes.resubmitted += submissions - 1;
    if (causes.examples.length < 3 && list.data[0]) {
      const view = (await (await fetch(`${baseUrl}/v1/messages/${list.data[0].id}`, { headers })).json()) as {
        history: { status: string; detail: string | null }[];
      };
      causes.examples.push(
        `${list.data[0].id}: ${view.history.map((h) => (h.detail ? `${h.status} (${h.detail})` : h.status)).join(' → ')}`,
      );
    }
  }
  return causes;
}

/** The figures one fault run prints (and docs/guarantees.md quotes from the full run). */
export interface FaultFigures {
  fault: string;
  /** How many times the fault was injected. */
  faultsInjected: number;
  /** Messages acknowledged (2xx) over the run. */
  accepted: number;
  /** Acknowledged messages not final when the (first) fault was injected. */
  atRisk: number;
  /** Acknowledged messages that did not end final, or whose final event never arrived: must be 0. */
  lost: number;
  /** Upstream submissions accepted twice for one message. */
  duplicates: number;
  /** The most duplicates the documented window allows in this run. */
  duplicateWindow: number;
  /** Anything else worth printing (503s while the store was away, …). */
  [more: string]: unknown;
}

/** Prints the figures as one line the reader (and the docs) can find: `FAULT FIGURES {…}`. */
export function printFigures(t: { diagnostic(message: string): void }, figures: FaultFigures): void {
  const json = JSON.stringify({ run: FULL_RUN ? 'full' : 'reduced', ...figures });
  t.diagnostic(`FAULT FIGURES ${json}`);
  // The runner prints a file's diagnostics only when the file ends; a file also appends its
  // figures to SMSGATE_FAULT_FIGURES at once, so a long run's figures survive a later failure.
  if (process.env.SMSGATE_FAULT_FIGURES) appendFileSync(process.env.SMSGATE_FAULT_FIGURES, `${json}\n`);
}
