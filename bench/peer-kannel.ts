/**
 * bench/peer-kannel.sh (which installs wrk and Kannel from Debian where missing) runs this:
 * smsgate beside Kannel 1.4.5 in one run, the table of issue 17. Per round, back to back:
 *  1. a no-op Node HTTP server (the ceiling) under the same wrk load;
 *  2. smsgate `POST /v1/messages` + `callbackUrl`, and Kannel `/cgi-bin/sendsms` + `dlr-mask=3` +
 *     `dlr-url`, each through its SMPP client to a fresh `smsgate smsc-sim` (receipts at once),
 *     callbacks to the same kind of local receiver (bench/webhook-receiver.ts);
 *  3. both again without callbacks.
 * Each figure: wrk, 2 threads, BENCH_CONNECTIONS (50) keep-alive connections, BENCH_SECONDS (10).
 * "end to end" counts, from the start of the load to the last one, the final-status callbacks that
 * arrived (smsgate's `delivered` event; Kannel's DLR type 1). BENCH_ROUNDS (default 3) repeats the
 * round, alternating which gateway goes first; the table shows the median and the spread.
 */
import { execFileSync } from 'node:child_process';
import { cpuMsOf } from './lib/cpu.js';
import { sendsmsPath, startKannel } from './lib/kannel.js';
import { startNoop } from './lib/noop-server.js';
import { startSmsc } from './lib/smsc-process.js';
import { measureIngest, nativeBody, SMPP_BINDS, SMPP_WINDOW, startStack } from './lib/smsgate-run.js';
import { fmt } from './lib/table.js';
import { wrk } from './lib/wrk.js';
import { BenchReceiver } from './webhook-receiver.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const synchronous = (process.env.BENCH_SQLITE_SYNCHRONOUS ?? 'full') as 'full' | 'normal';

interface Figures {
  accepted: number;
  endToEnd: number;
  p99: number;
  /** The gateway's CPU (all its processes) per accepted message, load start to last callback. */
  cpuUs: number;
}

async function smsgate(callbacks: boolean): Promise<Figures> {
  const receiver = callbacks ? await BenchReceiver.start() : undefined;
  const stack = await startStack({ synchronous });
  try {
    const figures = await measureIngest(stack.gateway, { receiver, seconds, connections });
    return {
      accepted: figures.wrk.okPerSecond,
      endToEnd: figures.endToEnd,
      p99: figures.wrk.p99Ms,
      cpuUs: figures.cpuUsPerMessage,
    };
  } finally {
    await stack.stop();
    receiver?.close();
  }
}

async function kannel(callbacks: boolean): Promise<Figures> {
  const receiver = await BenchReceiver.start();
  const smsc = await startSmsc(0);
  let box: Awaited<ReturnType<typeof startKannel>> | undefined;
  try {
    box = await startKannel(smsc.port, SMPP_WINDOW);
    const url = `${box.url}${sendsmsPath(callbacks ? receiver.url : undefined)}`;
    const warm = await wrk({ url, connections: 10, seconds: 2 });
    if (callbacks) await receiver.waitForFinals(warm.requests - warm.non2xx, 120_000);
    else await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = receiver.finals;
    const cpuBefore = cpuMsOf(box!.pids);
    const started = Date.now();
    const result = await wrk({ url, connections, seconds });
    const accepted = result.requests - result.non2xx;
    let endToEnd = Number.NaN;
    if (callbacks) {
      // Kannel has no count of final messages to ask for: wait for every DLR, or report those that came.
      let doneAt: number;
      try {
        doneAt = await receiver.waitForFinals(before + accepted, 300_000);
      } catch {
        doneAt = await receiver.settle(5000, 10_000);
        console.log(`  Kannel: only ${receiver.finals - before} of ${accepted} DLR callbacks arrived`);
      }
      endToEnd = (receiver.finals - before) / ((doneAt - started) / 1000);
    }
    const cpuUs = ((cpuMsOf(box!.pids) - cpuBefore) * 1000) / accepted;
    return { accepted: result.okPerSecond, endToEnd, p99: result.p99Ms, cpuUs };
  } finally {
    await box?.stop();
    await smsc.stop();
    receiver.close();
  }
}

async function noop(): Promise<number> {
  const server = await startNoop();
  try {
    const load = {
      url: `${server.url}/v1/messages`,
      method: 'POST' as const,
      body: nativeBody(),
      connections,
    };
    await wrk({ ...load, seconds: 2 });
    return (await wrk({ ...load, seconds })).okPerSecond;
  } finally {
    await server.stop();
  }
}

interface Round {
  noop: number;
  ours: Figures;
  theirs: Figures;
  oursPlain: Figures;
  theirsPlain: Figures;
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const spread = (list: number[]) => `${fmt(Math.min(...list))}–${fmt(Math.max(...list))}`;
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');

async function main(): Promise<void> {
  // Kannel gets one bind here; a ratio against smsgate with more would compare different setups.
  if (SMPP_BINDS !== 1)
    throw new Error('bench/peer-kannel gives both gateways one SMPP bind: unset BENCH_BINDS');
  const kannelVersion = execFileSync('/usr/sbin/bearerbox', ['--version'], { encoding: 'utf8' }).split(
    '\n',
  )[0];
  console.log(
    `peer-kannel: ${kannelVersion}; smsgate SQLite synchronous=${synchronous}; wrk -t2 -c${connections} -d${seconds}s; ${rounds} rounds; load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`,
  );
  const all: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    const kannelFirst = i % 2 === 1;
    const pair = async (callbacks: boolean) => {
      if (kannelFirst) {
        const theirs = await kannel(callbacks);
        return { theirs, ours: await smsgate(callbacks) };
      }
      const ours = await smsgate(callbacks);
      return { ours, theirs: await kannel(callbacks) };
    };
    const ceiling = await noop();
    const withCallbacks = await pair(true);
    const plain = await pair(false);
    const round: Round = {
      noop: ceiling,
      ...withCallbacks,
      oursPlain: plain.ours,
      theirsPlain: plain.theirs,
    };
    all.push(round);
    console.log(
      `round ${i + 1}: no-op ${fmt(round.noop)}/s | with callbacks: smsgate ${fmt(round.ours.accepted)}/s accepted, ${fmt(round.ours.endToEnd)}/s end to end; Kannel ${fmt(round.theirs.accepted)}/s, ${fmt(round.theirs.endToEnd)}/s | without: smsgate ${fmt(round.oursPlain.accepted)}/s, Kannel ${fmt(round.theirsPlain.accepted)}/s`,
    );
  }
  const pick = (f: (r: Round) => number) => all.map(f);
  const line = (label: string, ours: number[], theirs: number[]) =>
    `| ${label} | ${fmt(median(theirs))} (${spread(theirs)}) | ${fmt(median(ours))} (${spread(ours)}) | ${ratio(median(ours), median(theirs))} (per round: ${all.map((_, i) => ratio(ours[i]!, theirs[i]!)).join(', ')}) |`;
  console.log('');
  console.log(
    '| | Kannel (`/cgi-bin/sendsms` + `dlr-mask=3` + `dlr-url`) | smsgate (`POST /v1/messages` + `callbackUrl`) | smsgate / Kannel |',
  );
  console.log('|---|---|---|---|');
  console.log(
    line(
      'accepted requests/s, with callbacks',
      pick((r) => r.ours.accepted),
      pick((r) => r.theirs.accepted),
    ),
  );
  console.log(
    line(
      'end to end, receipt matched and callback delivered, msg/s',
      pick((r) => r.ours.endToEnd),
      pick((r) => r.theirs.endToEnd),
    ),
  );
  console.log(
    line(
      'accepted requests/s, no callbacks',
      pick((r) => r.oursPlain.accepted),
      pick((r) => r.theirsPlain.accepted),
    ),
  );
  console.log(
    line(
      'accept p99 ms, with callbacks',
      pick((r) => r.ours.p99),
      pick((r) => r.theirs.p99),
    ),
  );
  console.log(
    line(
      'gateway CPU per message with callbacks, µs (all its processes; lower is better)',
      pick((r) => r.ours.cpuUs),
      pick((r) => r.theirs.cpuUs),
    ),
  );
  const noops = pick((r) => r.noop);
  const ours = pick((r) => r.ours.accepted);
  console.log(
    `| no-op Node HTTP server, req/s (ceiling) | | ${fmt(median(noops))} (${spread(noops)}) | smsgate with callbacks at ${ratio(median(ours), median(noops))} of it |`,
  );
  console.log('');
  console.log(
    `reproduce: bash bench/peer-kannel.sh   (BENCH_ROUNDS=${rounds} BENCH_SECONDS=${seconds} BENCH_CONNECTIONS=${connections})`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
