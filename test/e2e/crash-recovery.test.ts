/**
 * Acceptance: "Restarting keeps everything". A real gateway process is killed (SIGKILL) while it is
 * accepting 5,000 messages; every message that got a 202 must reach a final status after a restart
 * on the same data, with an orderly history. Also a graceful stop (SIGTERM) with messages in flight.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, it, type TestContext } from 'node:test';
import { FINAL_STATUSES, isFinalStatus } from '../../src/core/statuses.js';
import { postgresUnavailableReason, TEST_POSTGRES_URL } from '../helpers/databases.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { FAST_QUEUE } from '../helpers/scaled-timings.js';
import { api, createPostgresDatabase, GatewayProcess, killAllGateways, tempDir } from './gateway-process.js';

const CONFIG = {
  // Receipts come late enough that hundreds of messages wait for theirs when the process dies.
  connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 400 }],
  // Throttled numbers are retried quickly, so their retries also straddle the restart.
  queue: FAST_QUEUE,
};

/** What the simulator's default rules do to a number, by its last four digits. */
const OUTCOME_BY_SUFFIX: Record<string, string> = {
  '0000': 'undelivered',
  '0001': 'rejected',
  '0002': 'expired',
  '0003': 'delivered', // throttled twice, then delivered
};

/** The i-th recipient: mostly plain numbers (delivered), every tenth ending 0000, a few of each other rule. */
function recipient(i: number): { to: string; expected: string } {
  // +4479111 followed by five digits is a valid UK mobile number for libphonenumber.
  let suffix: string;
  switch (i % 20) {
    case 0:
    case 10:
      suffix = '0000';
      break;
    case 5:
      suffix = '0001';
      break;
    case 15:
      suffix = '0002';
      break;
    case 7:
      suffix = '0003';
      break;
    default: {
      const to = `+4479111${String(i).padStart(4, '0')}7`;
      return { to, expected: 'delivered' };
    }
  }
  return { to: `+4479111${i % 10}${suffix}`, expected: OUTCOME_BY_SUFFIX[suffix]! };
}

interface LoadResult {
  /** id → the outcome its number should end in, for every message acknowledged with a 202. */
  accepted: Map<string, string>;
  /** Requests that failed without an HTTP answer (cut by the kill). */
  cut: number;
  /** HTTP answers other than 202, by status. */
  otherStatuses: Map<number, number>;
  /** Requests started. */
  started: number;
  /** 202s received before the signal was sent. */
  acceptedBeforeSignal: number;
  /** Non-202 answers received before the signal was sent. */
  rejectedBeforeSignal: { status: number; body: string }[];
}

/**
 * POSTs `total` single-recipient messages over `concurrency` keep-alive connections. Once
 * `signalAfter` 202s have come back, calls `onThreshold` (which signals the gateway) and keeps
 * firing the rest: each is answered (202 or a refusal) or fails without an answer.
 */
async function fireLoad(
  baseUrl: string,
  total: number,
  concurrency: number,
  signalAfter: number,
  onThreshold: () => void,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = {
    accepted: new Map(),
    cut: 0,
    otherStatuses: new Map(),
    started: 0,
    acceptedBeforeSignal: 0,
    rejectedBeforeSignal: [],
  };
  let signaled = false;
  let next = 0;
  const url = new URL('/v1/messages', baseUrl);

  const post = (i: number) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { to } = recipient(i);
      const payload = JSON.stringify({ to, text: `crash test ${i}` });
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${TEST_ADMIN_KEY}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => {
            // A body cut short (the process died mid-response) is not an acknowledgement.
            if (!response.complete) reject(new Error('response cut short'));
            else resolve({ status: response.statusCode ?? 0, body });
          });
          response.on('error', reject);
          response.on('aborted', () => reject(new Error('response aborted')));
        },
      );
      request.setTimeout(30_000, () => request.destroy(new Error('request timed out')));
      request.on('error', reject);
      request.end(payload);
    });

  const worker = async () => {
    while (next < total) {
      const i = next++;
      result.started++;
      let answer: { status: number; body: string };
      try {
        answer = await post(i);
      } catch {
        result.cut++;
        continue;
      }
      if (answer.status === 202) {
        let id: string | undefined;
        try {
          id = (JSON.parse(answer.body) as { messages: { id: string }[] }).messages[0]?.id;
        } catch {
          id = undefined;
        }
        assert.ok(id, `a 202 without a message id: ${answer.body}`);
        result.accepted.set(id, recipient(i).expected);
        if (!signaled) {
          result.acceptedBeforeSignal++;
          if (result.acceptedBeforeSignal >= signalAfter) {
            signaled = true;
            onThreshold();
          }
        }
      } else {
        result.otherStatuses.set(answer.status, (result.otherStatuses.get(answer.status) ?? 0) + 1);
        if (!signaled) result.rejectedBeforeSignal.push(answer);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return result;
}

type Counts = Record<string, number>;

async function statusCounts(gateway: GatewayProcess): Promise<Counts> {
  const { status, body } = await api<{ messages: Counts }>(gateway.url, TEST_ADMIN_KEY, 'GET', '/v1/stats');
  assert.equal(status, 200, JSON.stringify(body));
  return body.messages;
}

const sum = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const unfinished = (counts: Counts) =>
  Object.entries(counts)
    .filter(([status]) => !isFinalStatus(status))
    .reduce((a, [, n]) => a + n, 0);

/** Transitions a message's history may make (anything else means the history is out of order). */
const NEXT: Record<string, readonly string[]> = {
  queued: ['sending', 'expired', 'canceled'],
  scheduled: ['queued', 'canceled', 'expired'],
  // back to queued: a retry, or a restart caught it mid-submission
  sending: ['sent', 'queued', 'rejected', 'failed', 'expired'],
  sent: ['delivered', 'undelivered', 'expired', 'rejected'],
};

interface MessageView {
  id: string;
  status: string;
  history: { status: string; at: string; code: string | null; detail: string | null }[];
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Checks every acknowledged message after the restart: present, final, expected outcome, orderly history. */
async function assertAllFinal(gateway: GatewayProcess, accepted: Map<string, string>): Promise<void> {
  const problems: string[] = [];
  const finals = new Map<string, number>();
  await eachLimited([...accepted], 25, async ([id, expected]) => {
    const { status, body } = await api<MessageView>(gateway.url, TEST_ADMIN_KEY, 'GET', `/v1/messages/${id}`);
    if (status !== 200) {
      problems.push(`${id}: GET answered ${status} (lost?) ${JSON.stringify(body)}`);
      return;
    }
    finals.set(body.status, (finals.get(body.status) ?? 0) + 1);
    const statuses = body.history.map((h) => h.status);
    const trail = statuses.join(' → ');
    if (!isFinalStatus(body.status)) problems.push(`${id}: still ${body.status} (${trail})`);
    if (body.status !== expected)
      problems.push(`${id}: ended ${body.status}, expected ${expected} (${trail})`);
    if (statuses[0] !== 'queued') problems.push(`${id}: history does not start with queued (${trail})`);
    if (statuses.at(-1) !== body.status) problems.push(`${id}: status ${body.status} but history ${trail}`);
    for (let k = 1; k < body.history.length; k++) {
      const previous = body.history[k - 1]!;
      const current = body.history[k]!;
      if (!(NEXT[previous.status] ?? []).includes(current.status)) {
        problems.push(`${id}: ${previous.status} → ${current.status} is not a valid step (${trail})`);
      }
      if (Date.parse(current.at) < Date.parse(previous.at)) {
        problems.push(`${id}: history goes back in time at ${previous.status} → ${current.status}`);
      }
    }
  });
  assert.deepEqual(
    problems.slice(0, 20),
    [],
    `${problems.length} of ${accepted.size} acknowledged messages are wrong after the restart`,
  );
  // The mix of numbers must have produced more than one final status, or the test proves little.
  assert.ok((finals.get('delivered') ?? 0) > 0, 'no message was delivered');
  assert.ok((finals.get('undelivered') ?? 0) > 0, 'no message ended undelivered');
  for (const status of finals.keys()) assert.ok((FINAL_STATUSES as readonly string[]).includes(status));
}

/** Waits until the store holds no unfinished message; returns the final counts. */
async function waitAllFinished(gateway: GatewayProcess, timeoutMs: number): Promise<Counts> {
  let last: Counts = {};
  try {
    return await waitFor(
      async () => {
        last = await statusCounts(gateway);
        return unfinished(last) === 0 ? last : undefined;
      },
      timeoutMs,
      'every stored message to reach a final status',
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last counts ${JSON.stringify(last)}`);
  }
}

interface Scenario {
  databaseUrl?: string | undefined;
  signal: NodeJS.Signals;
  total: number;
  signalAfter: number;
}

async function crashAndRecover(t: TestContext, scenario: Scenario): Promise<void> {
  const dir = tempDir(scenario.signal.toLowerCase());
  let first: GatewayProcess | undefined;
  let second: GatewayProcess | undefined;
  try {
    first = await GatewayProcess.start({
      dataDir: `${dir.path}/data`,
      adminKey: TEST_ADMIN_KEY,
      databaseUrl: scenario.databaseUrl,
      config: CONFIG,
    });
    const running = first;
    const load = await fireLoad(running.url, scenario.total, 50, scenario.signalAfter, () => {
      running.child.kill(scenario.signal);
    });
    const exit = await running.kill(scenario.signal);
    t.diagnostic(
      `${scenario.signal}: ${load.started} requests started, ${load.accepted.size} got 202 ` +
        `(${load.acceptedBeforeSignal} before the signal), ${load.cut} cut, other answers ` +
        JSON.stringify(Object.fromEntries(load.otherStatuses)) +
        `; exit ${JSON.stringify(exit)}`,
    );
    assert.deepEqual(
      load.rejectedBeforeSignal.slice(0, 5),
      [],
      `${load.rejectedBeforeSignal.length} requests refused before the gateway was signaled`,
    );
    assert.ok(load.acceptedBeforeSignal >= scenario.signalAfter, 'the load never reached the signal point');
    if (scenario.signal === 'SIGKILL') {
      assert.equal(exit.signal, 'SIGKILL');
      // A killed process cannot answer anything but 202 (or nothing at all).
      assert.deepEqual(Object.fromEntries(load.otherStatuses), {});
    } else {
      assert.equal(exit.code, 0, `graceful stop should exit 0\n${running.stderr}`);
      assert.ok(
        running.logs().some((l) => l.msg === 'stopping: draining in-flight messages'),
        'the gateway did not log its graceful stop',
      );
      // While closing, the gateway may only refuse with 503 (return503OnClosing).
      for (const status of load.otherStatuses.keys()) assert.equal(status, 503);
    }

    second = await running.restart();
    const early = await statusCounts(second);
    t.diagnostic(`after restart: ${JSON.stringify(early)}`);
    const counts = await waitAllFinished(second, 60_000);
    t.diagnostic(`all final: ${JSON.stringify(counts)}`);
    const stored = sum(counts);
    assert.ok(
      stored >= load.accepted.size,
      `the store holds ${stored} messages but ${load.accepted.size} were acknowledged`,
    );
    // Nothing refused was stored, and nothing was stored twice.
    assert.ok(
      stored <= load.accepted.size + load.cut,
      `the store holds ${stored} messages for ${load.accepted.size} 202s and ${load.cut} unanswered requests`,
    );
    await assertAllFinal(second, load.accepted);
    assert.equal(second.stderr, '', 'the restarted gateway wrote to stderr');
    const errors = second.logs().filter((l) => typeof l.level === 'number' && l.level >= 50);
    assert.deepEqual(errors, [], 'the restarted gateway logged errors');
  } finally {
    await first?.kill('SIGKILL');
    await second?.kill('SIGKILL');
    dir.remove();
  }
}

const postgresReason = await postgresUnavailableReason();
const postgresOptions =
  postgresReason && process.env.CI !== 'true'
    ? { skip: `PostgreSQL NOT TESTED: no server at ${TEST_POSTGRES_URL} (${postgresReason})` }
    : {};
if ('skip' in postgresOptions) process.stderr.write(`\n*** ${postgresOptions.skip} ***\n\n`);

describe('crash recovery of a gateway process', { timeout: 180_000 }, () => {
  after(killAllGateways);

  it('SIGKILL while 5,000 messages are accepted: every 202 reaches a final status after restart [sqlite]', async (t) => {
    await crashAndRecover(t, { signal: 'SIGKILL', total: 5000, signalAfter: 2000 });
  });

  it(
    'SIGKILL while 5,000 messages are accepted: every 202 reaches a final status after restart [postgres]',
    postgresOptions,
    async (t) => {
      const database = await createPostgresDatabase();
      try {
        await crashAndRecover(t, {
          signal: 'SIGKILL',
          total: 5000,
          signalAfter: 2000,
          databaseUrl: database.url,
        });
      } finally {
        await killAllGateways();
        await database.drop();
      }
    },
  );

  it('SIGTERM with messages in flight: graceful stop, restart, every 202 final [sqlite]', async (t) => {
    await crashAndRecover(t, { signal: 'SIGTERM', total: 3000, signalAfter: 1000 });
  });

  it(
    'SIGTERM with messages in flight: graceful stop, restart, every 202 final [postgres]',
    postgresOptions,
    async (t) => {
      const database = await createPostgresDatabase();
      try {
        await crashAndRecover(t, {
          signal: 'SIGTERM',
          total: 3000,
          signalAfter: 1000,
          databaseUrl: database.url,
        });
      } finally {
        await killAllGateways();
        await database.drop();
      }
    },
  );
});
