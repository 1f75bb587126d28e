import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Gateway } from '../../src/gateway.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { startTestGateway, TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { cleanEnv, REPO_ROOT, runCli, tempDir } from './gateway-process.js';

const ROWS = 10_000;
const CLI_ENTRY = join(REPO_ROOT, 'src', 'cli', 'main.ts');

/** Row i's number: unique, and never ending in the sim's 0000–0003 (they fail or throttle on purpose). */
const numberOf = (i: number) => `+447911${String(i).padStart(5, '0')}5`;

interface Run {
  child: ChildProcess;
  stdout: string[];
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startBulk(args: readonly string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'bulk', ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr!.resume();
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, closed };
}

/** Rows the run reported done in its last plain progress line (`progress 4000/10000 rows …`). */
function reportedRows(run: Run): number {
  const matches = [...run.stdout.join('').matchAll(/^progress (\d+)\/\d+ rows/gm)];
  return matches.length === 0 ? 0 : Number(matches.at(-1)![1]);
}

async function countRows(gateway: Gateway, query: ReturnType<typeof sql<{ n: number }>>) {
  const { rows } = await query.execute(gateway.store.db);
  return Number(rows[0]?.n ?? 0);
}

describe('smsgate bulk: 10,000 rows, killed half-way and run again, sends each row once', () => {
  let store: TestStore;
  let gateway: Gateway;
  const dir = tempDir('bulk');
  const csv = join(dir.path, 'contacts.csv');
  let env: Record<string, string>;
  before(async () => {
    store = await TEST_DATABASES[0]!.open();
    gateway = await startTestGateway(store, { listen: true });
    env = { SMSGATE_URL: gateway.url, SMSGATE_API_KEY: TEST_ADMIN_KEY };
    const lines = ['name,phone'];
    for (let i = 0; i < ROWS; i++) lines.push(`"Contact ${i}, Esq.",${numberOf(i)}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
    dir.remove();
  });

  it('SIGKILL at about a third, SIGINT at about two thirds, then a full run', async () => {
    const args = ['--csv', csv, '--text', 'Hi {{name}}', '--batch-size', '250'];
    const stored = () => countRows(gateway, sql<{ n: number }>`select count(*) as n from messages`);

    // 1: killed outright (no chance to save anything) once a third is reported.
    const killed = startBulk(args, env);
    await waitFor(() => (reportedRows(killed) >= 3000 ? true : undefined), 120_000, 'a third sent');
    killed.child.kill('SIGKILL');
    assert.equal((await killed.closed).signal, 'SIGKILL');
    const afterKill = await stored();
    assert.ok(afterKill >= 3000 && afterKill < ROWS, `interrupted mid-run: ${afterKill} stored`);

    // 2: resumed, then interrupted with Ctrl-C: it stops after the batch in flight.
    const interrupted = startBulk(args, env);
    await waitFor(() => (reportedRows(interrupted) >= 6000 ? true : undefined), 120_000, 'two thirds sent');
    interrupted.child.kill('SIGINT');
    const stopped = await interrupted.closed;
    assert.equal(stopped.code, 130, interrupted.stdout.join(''));
    const secondOut = interrupted.stdout.join('');
    assert.match(secondOut, /^interrupted: 10000 rows$/m);
    assert.match(secondOut, /run the same command again/);
    const afterInterrupt = await stored();
    assert.ok(afterInterrupt < ROWS, `interrupted before the end: ${afterInterrupt} stored`);

    // 3: the rest.
    const last = await runCli(['bulk', ...args], env, 300_000);
    assert.equal(last.code, 0, `${last.stdout}\n${last.stderr}`);
    assert.match(last.stdout, /^done: 10000 rows$/m);
    assert.match(last.stdout, /^ {2}failed {4}0$/m);
    const accepted = Number(/^ {2}accepted {2}(\d+)$/m.exec(last.stdout)![1]);
    const earlier = Number(/^ {2}earlier {3}(\d+)/m.exec(last.stdout)![1]);
    assert.equal(accepted, ROWS - afterInterrupt, 'the last run sent exactly the rows not yet stored');
    assert.ok(earlier >= afterInterrupt - 250, 'the rows settled before were skipped, not sent again');

    // Each row exactly once: in the store, and at the upstream.
    assert.equal(await stored(), ROWS);
    const duplicated = await countRows(
      gateway,
      sql<{
        n: number;
      }>`select count(*) as n from (select to_number from messages group by to_number having count(*) > 1) d`,
    );
    assert.equal(duplicated, 0, 'no number got two messages');
    const texts = await countRows(
      gateway,
      sql<{
        n: number;
      }>`select count(*) as n from messages where body = ${'Hi Contact 1234, Esq.'} and to_number = ${numberOf(1234)}`,
    );
    assert.equal(texts, 1, 'the template filled from the row (a quoted CSV field with a comma)');
    const sim = gateway.connectors.get('sim')!;
    await waitFor(() => (sim.status().submitted >= ROWS ? true : undefined), 120_000, 'all submitted');
    await waitFor(
      async () =>
        (await countRows(
          gateway,
          sql<{ n: number }>`select count(*) as n from messages where status = 'delivered'`,
        )) === ROWS
          ? true
          : undefined,
      120_000,
      'all delivered',
    );
    assert.equal(sim.status().submitted, ROWS, 'the upstream got each row once');

    // Run again when everything is done: nothing is sent.
    const again = await runCli(['bulk', ...args], env, 60_000);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^ {2}accepted {2}0$/m);
    assert.equal(await stored(), ROWS);
    const state = JSON.parse(readFileSync(`${csv}.bulk-state.json`, 'utf8')) as { next: number };
    assert.equal(state.next, ROWS + 1);
  });

  it('refuses a template naming a column the CSV lacks, and a batch size over 1000, before sending', async () => {
    const before = await countRows(gateway, sql<{ n: number }>`select count(*) as n from messages`);
    const typo = await runCli(['bulk', '--csv', csv, '--text', 'Hi {{nmae}}'], env);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /\{\{nmae\}\} but the CSV has no such column \(it has name, phone\)/);
    const big = await runCli(['bulk', '--csv', csv, '--text', 'x', '--batch-size', '1001'], env);
    assert.equal(big.code, 1);
    assert.match(big.stderr, /--batch-size must be a whole number from 1 to 1000/);
    assert.equal(await countRows(gateway, sql<{ n: number }>`select count(*) as n from messages`), before);
  });
});
