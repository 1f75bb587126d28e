/**
 * Acceptance for several nodes on one PostgreSQL (docs/deployment.md, "Several nodes"): three real
 * `smsgate serve` processes share one database and one SMPP simulator upstream; 20,000 messages are
 * sent spread over the three (some with webhooks, some scheduled, some paid from a prepaid balance
 * that cannot cover them all); one node is SIGKILLed mid-run. Every stored message must end final,
 * every receipt match (also those arriving on another node's bind), every webhook event be
 * delivered, no balance go below zero, and the simulator see no more duplicate submissions than
 * the messages the dead node was caught submitting (taken over when their lease lapsed). The
 * connector's two binds are shared by the three nodes (never more than two bound at once); the node
 * killed holds one, and a live node takes it over. Shipped lease timings (30 s); the figures are
 * printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { FINAL_STATUSES } from '../../src/core/statuses.js';
import { DEFAULT_PASSWORD, DEFAULT_SYSTEM_ID } from '../../src/smsc-sim/smsc-sim-options.js';
import { SmscSimulator } from '../../src/smsc-sim/smsc-simulator.js';
import { postgresUnavailableReason } from '../helpers/databases.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { api, createPostgresDatabase, GatewayProcess, killAllGateways, tempDir } from './gateway-process.js';

const MESSAGES = 20_000;
const PER_REQUEST = 100;
const PREPAID_BALANCE = 2_000;
/** The SMPP window of each node's bind: what a node can have submitted and not yet recorded. */
const WINDOW = 50;
/** The connector's binds, shared over the three nodes. */
const BINDS = 2;

/** 20,000 distinct valid UK mobile numbers, none ending in a simulator rule suffix (0000–0003). */
function numbers(): string[] {
  const out: string[] = [];
  for (let n = 2_000_000; out.length < MESSAGES; n++) {
    if (n % 10_000 <= 3) continue;
    out.push(`+44791${n}`);
  }
  return out;
}

const reason = await postgresUnavailableReason();
const skip = reason && process.env.CI !== 'true' ? `PostgreSQL NOT TESTED: ${reason}` : (false as const);
if (skip) process.stderr.write(`\n*** ${skip} ***\n\n`);

describe('three nodes on one PostgreSQL, one SIGKILLed mid-run', { skip }, () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let sim: SmscSimulator;
  let receiver: WebhookReceiver;
  let sql: pg.Client;
  const dirs: { remove: () => void }[] = [];

  before(async () => {
    database = await createPostgresDatabase();
    sim = new SmscSimulator({ receiptDelayMs: 300 });
    receiver = await WebhookReceiver.start(200);
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });
  after(async () => {
    await killAllGateways();
    await sql.end().catch(() => {});
    await sim.stop();
    await receiver.close();
    for (const dir of dirs) dir.remove();
    await database.drop();
  });

  it('loses nothing, double-charges nothing, and resubmits no more than the dead node held', async (t: TestContext) => {
    const simPort = await sim.start(0);
    const config = {
      connectors: [
        {
          name: 'smsc',
          type: 'smpp',
          host: '127.0.0.1',
          port: simPort,
          systemId: DEFAULT_SYSTEM_ID,
          password: DEFAULT_PASSWORD,
          window: WINDOW,
          binds: BINDS,
        },
      ],
      webhooks: { allowPrivateAddresses: true },
    };
    const start = (name: string) => {
      const dir = tempDir(`three-nodes-${name}`);
      dirs.push(dir);
      return GatewayProcess.start({
        dataDir: dir.path,
        databaseUrl: database.url,
        adminKey: TEST_ADMIN_KEY,
        config: { ...config, cluster: { nodeId: name } },
        logLevel: 'warn',
        readyTimeoutMs: 60_000,
      });
    };
    // The first migrates the new database; the others find it migrated.
    const first = await start('node-1');
    const nodes = [first, ...(await Promise.all([start('node-2'), start('node-3')]))];
    const admin = (path: string, body?: unknown, method = 'POST') =>
      api<Record<string, unknown>>(first.url, TEST_ADMIN_KEY, method, path, body);
    assert.equal((await admin('/v1/prices', { prices: [{ prefix: '+44', price: 1 }] }, 'PUT')).status, 200);
    const created = await admin('/v1/accounts', { name: 'prepaid' });
    const prepaid = { id: created.body.id as string, key: (created.body.apiKey as { key: string }).key };
    assert.equal(
      (await admin(`/v1/accounts/${prepaid.id}`, { limits: { prepaid: true } }, 'PATCH')).status,
      200,
    );
    assert.equal(
      (await admin(`/v1/accounts/${prepaid.id}/balance`, { amount: PREPAID_BALANCE })).status,
      200,
    );

    const to = numbers();
    const requests = Array.from({ length: MESSAGES / PER_REQUEST }, (_, i) => ({
      // A quarter of the prepaid account's asks cannot be paid for.
      key: i % 8 === 0 ? prepaid.key : TEST_ADMIN_KEY,
      body: {
        to: to.slice(i * PER_REQUEST, (i + 1) * PER_REQUEST),
        text: `three nodes ${i}`,
        ...(i % 4 === 1 ? { callbackUrl: receiver.url('/hook') } : {}),
        ...(i % 10 === 3 ? { scheduleAt: new Date(Date.now() + 5_000).toISOString() } : {}),
      },
    }));
    let maxBinds = 0;
    const sampler = setInterval(() => {
      maxBinds = Math.max(maxBinds, sim.boundSessions.length);
    }, 10);
    t.after(() => clearInterval(sampler));
    // Once the binds are balanced, each of two nodes holds one; the killed node is one of them.
    const slotOwners = async () =>
      (await sql.query<{ owner: string }>(`SELECT owner FROM leases WHERE name LIKE 'bind:smsc:%'`)).rows.map(
        (r) => r.owner,
      );
    await waitFor(
      async () => (new Set(await slotOwners()).size === BINDS ? true : undefined),
      60_000,
      'the binds spread over two nodes',
    );
    const killedName = (await slotOwners()).find((owner) => owner !== 'node-1')!;
    const killed = nodes[Number(killedName.split('-')[1]) - 1]!;
    const answers = new Map<number, number>();
    let sent = 0;
    let killedAt: number | undefined;
    const worker = async () => {
      for (;;) {
        const i = sent++;
        const request = requests[i];
        if (!request) return;
        if (i === Math.floor(requests.length / 2) && !killedAt) {
          killedAt = Date.now();
          await killed.kill('SIGKILL');
        }
        // Round robin over the nodes alive, as a load balancer does.
        const alive = nodes.filter((n) => n.exit === undefined);
        const node = alive[i % alive.length]!;
        const answer = await api(node.url, request.key, 'POST', '/v1/messages', request.body).catch(() => ({
          status: 0,
        }));
        answers.set(answer.status, (answers.get(answer.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    const count = async (query: string, params: unknown[] = []) =>
      Number((await sql.query<{ n: string }>(query, params)).rows[0]!.n);
    const stored = await count('SELECT count(*) AS n FROM messages');
    const unfinished = () =>
      count('SELECT count(*) AS n FROM messages WHERE NOT (status = ANY($1))', [[...FINAL_STATUSES]]);
    await waitFor(
      async () => ((await unfinished()) === 0 ? true : undefined),
      300_000,
      'every message final',
    );
    const pendingEvents = () => count(`SELECT count(*) AS n FROM events WHERE state = 'pending'`);
    try {
      await waitFor(
        async () => ((await pendingEvents()) === 0 ? true : undefined),
        120_000,
        'every event settled',
      );
    } catch (error) {
      const held = await sql.query(
        `SELECT lease_owner, lease_until < $1 AS lapsed, attempts, min(next_attempt_at - $1) AS due_in, count(*) AS n
         FROM events WHERE state = 'pending' GROUP BY 1, 2, 3`,
        [Date.now()],
      );
      t.diagnostic(`pending events: ${JSON.stringify(held.rows)}`);
      for (const node of nodes) {
        const failures = node.logs().filter((l) => l.msg === 'webhook delivery failed');
        t.diagnostic(
          `${node.url}: ${failures.length} failed deliveries; first: ${JSON.stringify(failures[0]?.err)}`,
        );
      }
      throw error;
    }
    const byStatus = Object.fromEntries(
      (
        await sql.query<{ status: string; n: string }>(
          'SELECT status, count(*) AS n FROM messages GROUP BY status',
        )
      ).rows.map((r) => [r.status, Number(r.n)]),
    );
    const unmatched = await count('SELECT count(*) AS n FROM unmatched_receipts');
    const events = Object.fromEntries(
      (
        await sql.query<{ state: string; n: string }>(
          'SELECT state, count(*) AS n FROM events GROUP BY state',
        )
      ).rows.map((r) => [r.state, Number(r.n)]),
    );
    const prepaidStored = await count('SELECT count(*) AS n FROM messages WHERE account_id = $1', [
      prepaid.id,
    ]);
    const balance = Number(
      (await sql.query<{ b: string }>('SELECT balance_micros AS b FROM accounts WHERE id = $1', [prepaid.id]))
        .rows[0]!.b,
    );
    const takenOver = await count(
      `SELECT count(DISTINCT message_id) AS n FROM message_history WHERE detail LIKE 'requeued: the node submitting it stopped%'`,
    );
    const perDestination = new Map<string, number>();
    for (const submit of sim.submits)
      perDestination.set(submit.destinationAddr, (perDestination.get(submit.destinationAddr) ?? 0) + 1);
    const duplicates = sim.submits.length - perDestination.size;
    const receivedEvents = receiver.requests.length;
    t.diagnostic(
      `answers ${JSON.stringify(Object.fromEntries(answers))}; stored ${stored}; statuses ${JSON.stringify(byStatus)}`,
    );
    t.diagnostic(
      `events ${JSON.stringify(events)} (${receivedEvents} requests received); unmatched receipts ${unmatched}; prepaid: ${prepaidStored} stored, balance ${balance / 1e6}`,
    );
    t.diagnostic(
      `simulator: ${sim.submits.length} submissions for ${perDestination.size} numbers, ${duplicates} duplicates; ${takenOver} messages taken over from the killed node`,
    );

    // The dead node's bind comes back on a live node (its slot lease lapsed).
    await waitFor(
      async () => {
        const owners = await slotOwners();
        return owners.length === BINDS && !owners.includes(killedName) && sim.boundSessions.length === BINDS
          ? true
          : undefined;
      },
      120_000,
      'the killed node\u2019s bind taken over',
    );
    t.diagnostic(
      `binds: at most ${maxBinds} bound at once (${BINDS} configured); slots now held by ${(await slotOwners()).join(', ')}`,
    );
    assert.ok(maxBinds <= BINDS, `${maxBinds} binds at once, more than the ${BINDS} configured`);
    assert.equal(killed.exit?.signal, 'SIGKILL');
    assert.ok((answers.get(202) ?? 0) * PER_REQUEST <= stored, 'every 202 is stored');
    assert.equal(await unfinished(), 0, 'every message final');
    assert.equal(byStatus.delivered, stored, 'every receipt matched: every message delivered');
    // Receipts nobody can match: the first submission of each message the dead node was caught
    // submitting (its upstream id died with the process; the second submission's receipt is
    // matched), and receipts the dead node stored but had not acknowledged, which the SMSC sends
    // again to another bind for a message already final: at most one window of them.
    assert.ok(
      unmatched <= duplicates + WINDOW,
      `${unmatched} unmatched receipts, ${duplicates} duplicates, window ${WINDOW}`,
    );
    assert.equal(events.pending ?? 0, 0);
    assert.equal(events.dead ?? 0, 0, 'no webhook event dead-lettered');
    assert.ok((events.delivered ?? 0) > 0, 'webhook events delivered');
    const received = new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { id: string }).id));
    assert.equal(received.size, events.delivered, 'every delivered event reached the receiver');
    assert.ok(balance >= 0, 'no prepaid balance below zero');
    assert.equal(balance, (PREPAID_BALANCE - prepaidStored) * 1e6, 'each stored prepaid message paid once');
    assert.ok(prepaidStored <= PREPAID_BALANCE);
    assert.equal(perDestination.size, stored, 'every stored message submitted');
    assert.ok(
      duplicates <= takenOver,
      `${duplicates} duplicate submissions, more than the ${takenOver} messages the dead node was caught submitting`,
    );
    // The documented window of a dead node (docs/guarantees.md): what its binds had in flight.
    assert.ok(
      duplicates <= WINDOW * BINDS,
      `${duplicates} duplicates, past window ${WINDOW} × ${BINDS} binds`,
    );
  });
});
