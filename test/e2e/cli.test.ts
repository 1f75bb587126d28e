/**
 * The `smsgate` CLI as a user runs it: `send`, `status` and `migrate` as child processes against a
 * real gateway process, and `serve`'s first start printing a generated admin key.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { postgresUnavailableReason, TEST_POSTGRES_URL } from '../helpers/databases.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import {
  api,
  createPostgresDatabase,
  freePort,
  GatewayProcess,
  killAllGateways,
  runCli,
  tempDir,
} from './gateway-process.js';

const ID = 'msg_[0-9A-Z]{26}';
/** The lifecycle of a message that is delivered (or not) at the first attempt. */
const LIFECYCLE = ['queued', 'sending', 'sent'];

interface MessageView {
  id: string;
  to: string;
  status: string;
  connector: string | null;
  history: { status: string; at: string; code: string | null; detail: string | null }[];
}

const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);

// The tests of this block run at once (each is mostly waiting for a child process); the `status`
// tests wait for the message the first test sends.
describe('smsgate CLI against a running gateway', { timeout: 300_000, concurrency: true }, () => {
  const dir = tempDir('cli');
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  let sentDelivered!: (id: string) => void;
  let failedToSend!: (error: unknown) => void;
  const deliveredId = new Promise<string>((resolve, reject) => {
    sentDelivered = resolve;
    failedToSend = reject;
  });
  // A failure of the first test is reported there; the status tests then fail with this message.
  deliveredId.catch(() => {});

  before(async () => {
    gateway = await GatewayProcess.start({
      dataDir: join(dir.path, 'data'),
      adminKey: TEST_ADMIN_KEY,
      logLevel: 'warn',
      // Receipts take a moment, so `--wait` has status changes to print while it polls.
      config: { connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 600 }] },
    });
    env = { SMSGATE_URL: gateway.url, SMSGATE_API_KEY: TEST_ADMIN_KEY };
  });

  after(async () => {
    await gateway?.kill('SIGTERM').catch(() => {});
    await killAllGateways();
    dir.remove();
  });

  /** Runs `send --wait` and checks the printed trail; returns the id and exit code. */
  async function sendAndWait(to: string, final: string, code: string) {
    const result = await runCli(['send', '--to', to, '--text', 'hi', '--wait'], env);
    assert.equal(result.stderr, '');
    const out = lines(result.stdout);
    const first = new RegExp(`^(${ID})  ${to.replace('+', '\\+')}  queued  \\(gsm7, 1 segment\\)$`).exec(
      out[0] ?? '',
    );
    assert.ok(first, `first line should name the new message:\n${result.stdout}`);
    const id = first[1]!;
    const printed: string[] = [];
    for (const line of out.slice(1)) {
      const match = new RegExp(`^${id}  ([a-z]+)(?:  (.*))?$`).exec(line);
      assert.ok(match, `unexpected line ${JSON.stringify(line)}:\n${result.stdout}`);
      printed.push(match[1]!);
    }
    // Each change once, in lifecycle order, ending with the final status and its receipt code.
    assert.equal(printed.at(-1), final, result.stdout);
    assert.equal(out.at(-1), `${id}  ${final}  ${code}`);
    const order = [...LIFECYCLE, final];
    const ranks = printed.map((s) => order.indexOf(s));
    assert.ok(
      ranks.every((rank, i) => rank > 0 && (i === 0 || rank > ranks[i - 1]!)),
      `status changes out of order or repeated: ${printed.join(', ')}`,
    );
    // What was printed is what the gateway recorded.
    const stored = await api<MessageView>(gateway.url, TEST_ADMIN_KEY, 'GET', `/v1/messages/${id}`);
    assert.equal(stored.status, 200);
    assert.equal(stored.body.status, final);
    const history = stored.body.history.map((h) => h.status);
    assert.deepEqual(history, [...LIFECYCLE, final]);
    return { id, code: result.code };
  }

  it('send takes --schedule, --priority, --validity, --callback-url, --metadata, --client-ref and --idempotency-key', async () => {
    const scheduleAt = new Date(Date.now() + 3_600_000).toISOString();
    const args = [
      'send',
      '--to',
      '+447911123999',
      '--text',
      'later',
      '--schedule',
      scheduleAt,
      '--priority',
      'high',
      '--validity',
      '600',
      '--callback-url',
      'https://hooks.example.com/sms',
      '--metadata',
      '{"order":"A-7"}',
      '--client-ref',
      'cli-flags',
      '--idempotency-key',
      'cli-flags-key',
    ];
    const first = await runCli(args, env);
    assert.equal(first.code, 0, first.stderr);
    const id = /^(msg_[0-9A-Z]{26}) {2}\+447911123999 {2}scheduled/.exec(first.stdout)?.[1];
    assert.ok(id, first.stdout);
    const stored = await api<Record<string, unknown>>(
      gateway.url,
      TEST_ADMIN_KEY,
      'GET',
      `/v1/messages/${id}`,
    );
    assert.equal(stored.body.scheduleAt, new Date(scheduleAt).toISOString());
    assert.equal(stored.body.priority, 'high');
    assert.equal(stored.body.callbackUrl, 'https://hooks.example.com/sms');
    assert.deepEqual(stored.body.metadata, { order: 'A-7' });
    assert.equal(stored.body.clientRef, 'cli-flags');
    // The same key again: the same message, not a second one.
    const again = await runCli(args, env);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(again.stdout.startsWith(id), again.stdout);
    const bad = await runCli(['send', '--to', '+447911123999', '--text', 'x', '--priority', 'asap'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--priority must be one of low, normal, high, urgent/);
  });

  it('messages list shows the API list with its filters', async () => {
    const sent = await runCli(
      ['send', '--to', '+447911124001', '--text', 'listed', '--client-ref', 'list-me'],
      env,
    );
    assert.equal(sent.code, 0, sent.stderr);
    const id = /^(msg_[0-9A-Z]{26})/.exec(sent.stdout)?.[1];
    const listed = await runCli(['messages', 'list', '--client-ref', 'list-me'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = lines(listed.stdout);
    assert.equal(rows.length, 1, listed.stdout);
    assert.match(rows[0]!, new RegExp(`^${id}  \\S+  \\+447911124001  \\S+`));
    assert.match(rows[0]!, /ref list-me$/);
    const json = await runCli(['messages', 'list', '--to', '+447911124001', '--json'], env);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { id: string }[]).map((m) => m.id),
      [id],
    );
    const wrong = await runCli(['messages', 'list', '--status', 'nonsense'], env);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /status/);
  });

  it('a --url that is not an smsgate gateway gets a clear error, not a crash', async () => {
    const other = createHttpServer((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body>Welcome to nginx!</body></html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      for (const args of [
        ['send', '--to', '+447911123456', '--text', 'hi'],
        ['status', 'msg_01ABCDEFGHJKMNPQRSTVWXYZ00'],
        ['messages', 'list'],
        ['accounts', 'list'],
      ]) {
        const result = await runCli([...args, '--url', url], { SMSGATE_API_KEY: TEST_ADMIN_KEY });
        assert.equal(result.code, 1, args.join(' '));
        assert.match(result.stderr, /not (as )?an smsgate gateway/, `${args.join(' ')}: ${result.stderr}`);
        assert.doesNotMatch(result.stderr, /Cannot read properties/);
      }
    } finally {
      other.close();
    }
  });

  it('send --wait prints the id and each status change, ending delivered, exit 0', async () => {
    try {
      const { id, code } = await sendAndWait('+447911123456', 'delivered', 'stat:DELIVRD err:000');
      assert.equal(code, 0);
      sentDelivered(id);
    } catch (error) {
      failedToSend(new Error('send --wait failed; no delivered message to show', { cause: error }));
      throw error;
    }
  });

  it('send --wait to a number ending 0000 ends undelivered and exits 2', async () => {
    const { code } = await sendAndWait('+447911120000', 'undelivered', 'stat:UNDELIV err:001');
    assert.equal(code, 2);
  });

  it('status <id> prints the message and its history lines', async () => {
    const id = await deliveredId;
    const result = await runCli(['status', id], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const stored = await api<MessageView>(gateway.url, TEST_ADMIN_KEY, 'GET', `/v1/messages/${id}`);
    const out = lines(result.stdout);
    assert.match(
      out[0] ?? '',
      new RegExp(`^${id}  to \\+447911123456  delivered  \\(gsm7, 1 segment\\(s\\), via sim\\)$`),
    );
    assert.equal(out.length, 1 + stored.body.history.length, result.stdout);
    stored.body.history.forEach((h, i) => {
      const line = out[i + 1]!;
      assert.match(line, new RegExp(`^\\s+${h.at.replace(/[.]/g, '\\.')}\\s+${h.status}\\b`), line);
      if (h.code) assert.ok(line.includes(h.code), `${line} should show ${h.code}`);
    });
  });

  it('status <id> --json prints the message as JSON', async () => {
    const id = await deliveredId;
    const result = await runCli(['status', id, '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as MessageView;
    const stored = await api<MessageView>(gateway.url, TEST_ADMIN_KEY, 'GET', `/v1/messages/${id}`);
    assert.deepEqual(printed, stored.body);
    assert.equal(printed.status, 'delivered');
  });

  it('status of an unknown id fails with the API error and a non-zero exit', async () => {
    const result = await runCli(['status', 'msg_00000000000000000000000000'], env);
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^smsgate: 404: .*not found/m);
  });

  it("a partner's top-up moves its own credit, and a credential gets a generated identifier", async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      api<{ id: string; apiKey: { key: string } }>(gateway.url, TEST_ADMIN_KEY, method, path, body);
    const partner = (await admin('POST', '/v1/accounts', { name: 'CLI partner', role: 'partner' })).body;
    const tenant = (await admin('POST', '/v1/tenants', { name: 'CLI tenant', partnerAccountId: partner.id }))
      .body;
    const client = (await admin('POST', '/v1/accounts', { name: 'CLI client', tenantId: tenant.id })).body;
    for (const id of [partner.id, client.id]) {
      assert.equal((await admin('PATCH', `/v1/accounts/${id}`, { limits: { prepaid: true } })).status, 200);
    }
    assert.equal((await admin('POST', `/v1/accounts/${partner.id}/balance`, { amount: 5 })).status, 200);
    const asPartner = { ...env, SMSGATE_API_KEY: partner.apiKey.key };
    const topUp = await runCli(['accounts', 'top-up', client.id, '2'], asPartner);
    assert.equal(topUp.code, 0, topUp.stderr);
    assert.equal(topUp.stdout, `balance 2  (${partner.id}: 3)\n`);
    const tooMuch = await runCli(['accounts', 'top-up', client.id, '4'], asPartner);
    assert.notEqual(tooMuch.code, 0);
    assert.match(tooMuch.stderr, /insufficient_balance|does not cover/);
    const credential = await runCli(['credentials', 'create', client.id, '--kind', 'smpp'], asPartner);
    assert.equal(credential.code, 0, credential.stderr);
    assert.match(
      credential.stdout,
      /^cred_\S+ {2}[a-z][a-z0-9]{11} {2}secret \(shown only now\): \S{1,8}\n$/,
    );
    const limits = await runCli(['accounts', 'limits', client.id, '--quota', '100'], env);
    assert.equal(limits.code, 0, limits.stderr);
    assert.match(limits.stdout, /set by an admin \{[^\n]*"monthlySegmentQuota":100[^\n]*"prepaid":true\}/);
  });

  it('send without an API key fails with a clear message', async () => {
    const result = await runCli(['send', '--to', '+447911123456', '--text', 'hi'], {
      SMSGATE_URL: gateway.url,
    });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no API key: pass --api-key or set SMSGATE_API_KEY/);
  });

  it('send with a wrong API key fails with 401', async () => {
    const result = await runCli(['send', '--to', '+447911123456', '--text', 'hi'], {
      SMSGATE_URL: gateway.url,
      SMSGATE_API_KEY: 'sk_wrongkey00_abcdefghijklmnopqrstuvwxyz',
    });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^smsgate: 401: /m);
  });

  it('send to a gateway that is not running fails with "cannot reach the gateway"', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['send', '--to', '+447911123456', '--text', 'hi'], {
      SMSGATE_URL: url,
      SMSGATE_API_KEY: TEST_ADMIN_KEY,
    });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^smsgate: cannot reach the gateway at ${url}`, 'm'));
  });
});

const postgresReason = await postgresUnavailableReason();
const postgresOptions =
  postgresReason && process.env.CI !== 'true'
    ? { skip: `PostgreSQL NOT TESTED: no server at ${TEST_POSTGRES_URL} (${postgresReason})` }
    : {};
if ('skip' in postgresOptions) process.stderr.write(`\n*** ${postgresOptions.skip} ***\n\n`);

describe('smsgate migrate', { timeout: 60_000 }, () => {
  it('applies every migration to a fresh data dir, then reports it up to date', async () => {
    const dir = tempDir('migrate');
    try {
      const dataDir = join(dir.path, 'data');
      const file = join(dataDir, 'smsgate.db');
      const first = await runCli(['migrate'], { SMSGATE_DATA_DIR: dataDir });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(
        first.stdout,
        `applied 0001_core, 0002_tenants_audit, 0003_account_limits, 0004_dialect_credentials, 0005_prepaid_balance, 0006_events_inbound_opt_outs, 0007_routes, 0008_live_credentials_unique, 0009_admin_limits, 0010_audit_account, 0011_events_account_pending, 0012_sender_numbers, 0013_message_requests, 0014_message_refs, 0015_accolades_default_region, 0016_campaigns, 0018_smpp_server_parts, 0019_leases, 0020_foreign_dialects, 0021_jasmin_batches, 0022_binary_messages to ${file}\n`,
      );
      assert.ok(existsSync(file));
      const second = await runCli(['migrate'], { SMSGATE_DATA_DIR: dataDir });
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, `${file} is up to date\n`);
    } finally {
      dir.remove();
    }
  });

  it(
    'applies every migration to a fresh PostgreSQL database, then reports it up to date',
    postgresOptions,
    async () => {
      const database = await createPostgresDatabase();
      try {
        const first = await runCli(['migrate'], { SMSGATE_DATABASE_URL: database.url });
        assert.equal(first.code, 0, first.stderr);
        assert.match(
          first.stdout,
          new RegExp(
            `^applied 0001_core, 0002_tenants_audit, 0003_account_limits, 0004_dialect_credentials, 0005_prepaid_balance, 0006_events_inbound_opt_outs, 0007_routes, 0008_live_credentials_unique, 0009_admin_limits, 0010_audit_account, 0011_events_account_pending, 0012_sender_numbers, 0013_message_requests, 0014_message_refs, 0015_accolades_default_region, 0016_campaigns, 0018_smpp_server_parts, 0019_leases, 0020_foreign_dialects, 0021_jasmin_batches, 0022_binary_messages to postgres://.*/${database.name}\\n$`,
          ),
        );
        const second = await runCli(['migrate'], { SMSGATE_DATABASE_URL: database.url });
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stdout, new RegExp(`^postgres://.*/${database.name} is up to date\\n$`));
      } finally {
        await database.drop();
      }
    },
  );
});

describe('smsgate serve without SMSGATE_ADMIN_KEY', { timeout: 90_000 }, () => {
  const dir = tempDir('serve');
  after(async () => {
    await killAllGateways();
    dir.remove();
  });

  it('prints a generated admin key once, on the first start only, and the key works', async () => {
    const dataDir = join(dir.path, 'data');
    const first = await GatewayProcess.start({ dataDir });
    let key: string;
    try {
      // The banner goes out once the start is done; it may reach us just after /ready does.
      key = await waitFor(
        () => /^ {4}(sk_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{20,})$/m.exec(first.stderr)?.[1],
        10_000,
        'the generated admin key on stderr',
      );
      assert.equal(first.stderr.split('Created the admin account').length - 1, 1, first.stderr);
      assert.match(first.stderr, /={78}\n {2}Created the admin account/, 'a block nobody can miss');
      // The key is shown in the banner only (on stderr), never on stdout nor in a log record.
      assert.ok(!first.stdout.includes(key), 'the key is not in the JSON log stream');
      for (const record of first.logs()) assert.ok(!JSON.stringify(record).includes(key));

      const list = await api(first.url, key, 'GET', '/v1/messages');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const wrong = await api(first.url, TEST_ADMIN_KEY, 'GET', '/v1/messages');
      assert.equal(wrong.status, 401, 'only the generated key was created');
      const exit = await first.kill('SIGTERM');
      assert.equal(exit.code, 0, first.stderr);
    } finally {
      await first.kill('SIGKILL');
    }

    const second = await first.restart();
    try {
      await waitFor(
        () => second.logs().find((l) => l.msg === 'smsgate is running'),
        10_000,
        'the "smsgate is running" log line',
      );
      assert.doesNotMatch(second.stdout, /sk_/);
      assert.doesNotMatch(second.stderr, /sk_|Created the admin account/);
      const list = await api(second.url, key, 'GET', '/v1/messages');
      assert.equal(list.status, 200, 'the key generated on the first start still works');
    } finally {
      await second.kill('SIGTERM');
    }
  });

  /**
   * A first start that fails after the database was set up (a config mistake, a busy port) must not
   * swallow the generated key: either that start prints it, or the next start still generates one.
   */
  async function assertKeyNotLostAfterFailedFirstStart(
    label: string,
    failingEnv: Record<string, string>,
    expectedError: RegExp,
  ) {
    const dataDir = join(dir.path, `data-${label}`);
    const failed = await runCli(['serve'], {
      SMSGATE_DATA_DIR: dataDir,
      SMSGATE_SMPP_PORT: '0',
      SMSGATE_LOG_LEVEL: 'warn',
      ...failingEnv,
    });
    assert.notEqual(failed.code, 0, 'the first start was meant to fail');
    assert.match(failed.stderr, expectedError);
    const keyPattern = /^ {4}(sk_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{20,})$/m;
    const printedByFailedStart = keyPattern.exec(failed.stderr)?.[1];

    const next = await GatewayProcess.start({ dataDir });
    try {
      await waitFor(
        () => next.logs().find((l) => l.msg === 'smsgate is running'),
        10_000,
        'the "smsgate is running" log line',
      );
      const key = printedByFailedStart ?? keyPattern.exec(next.stderr)?.[1];
      assert.ok(
        key,
        'the generated admin key was lost: the failed first start created the admin account without ' +
          'printing its key, and the next start printed none, so no one can authenticate\n' +
          `failed start stderr:\n${failed.stderr}\nnext start stderr:\n${next.stderr}`,
      );
      const list = await api(next.url, key, 'GET', '/v1/messages');
      assert.equal(list.status, 200, JSON.stringify(list.body));
    } finally {
      await next.kill('SIGTERM').catch(() => next.kill('SIGKILL'));
    }
  }

  it('does not lose the generated key when the first start fails on a config mistake', async () => {
    const configFile = join(dir.path, 'bad-route.json');
    writeFileSync(configFile, JSON.stringify({ routes: [{ prefix: '+44', connector: 'nope' }] }));
    await assertKeyNotLostAfterFailedFirstStart(
      'bad-config',
      { SMSGATE_PORT: String(await freePort()), SMSGATE_CONFIG: configFile },
      /unknown connector "nope"/,
    );
  });

  it('does not lose the generated key when the first start finds its port taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const address = blocker.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      await assertKeyNotLostAfterFailedFirstStart(
        'port-taken',
        { SMSGATE_PORT: String(port) },
        /cannot listen on 127\.0\.0\.1:\d+: the port is already in use; choose another with --port or SMSGATE_PORT/,
      );
      // The port is bound before anything is created: the failed start made no admin account.
      const dataDir = join(dir.path, 'data-port-taken-2');
      const failed = await runCli(['serve'], {
        SMSGATE_DATA_DIR: dataDir,
        SMSGATE_SMPP_PORT: '0',
        SMSGATE_LOG_LEVEL: 'warn',
        SMSGATE_PORT: String(port),
      });
      assert.notEqual(failed.code, 0);
      const db = new Database(join(dataDir, 'smsgate.db'), { readonly: true });
      try {
        assert.deepEqual(db.prepare('select count(*) as n from accounts').get(), { n: 0 });
      } finally {
        db.close();
      }
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});

describe('one process per SQLite database', { timeout: 90_000 }, () => {
  const dir = tempDir('lock');
  after(async () => {
    await killAllGateways();
    dir.remove();
  });

  it('a second serve (or migrate) on the same data directory refuses to start and says why; after a SIGKILL the next start takes over', async () => {
    const dataDir = join(dir.path, 'data');
    const first = await GatewayProcess.start({ dataDir, adminKey: TEST_ADMIN_KEY, logLevel: 'warn' });
    try {
      const env = {
        SMSGATE_DATA_DIR: dataDir,
        SMSGATE_PORT: String(await freePort()),
        SMSGATE_SMPP_PORT: '0',
        SMSGATE_LOG_LEVEL: 'warn',
      };
      for (const command of [['serve'], ['migrate']]) {
        const second = await runCli(command, env);
        assert.equal(second.code, 1, `${command[0]}: ${second.stderr}`);
        assert.match(second.stderr, /smsgate\.db is in use by another smsgate process \(pid \d+/);
        assert.match(second.stderr, /one process per SQLite database/);
      }
      // The first one is untouched.
      const list = await api(first.url, TEST_ADMIN_KEY, 'GET', '/v1/messages');
      assert.equal(list.status, 200);
    } finally {
      await first.kill('SIGKILL');
    }
    // Killed: its lock is stale, and the next start takes it over.
    const next = await first.restart();
    try {
      const list = await api(next.url, TEST_ADMIN_KEY, 'GET', '/v1/messages');
      assert.equal(list.status, 200);
    } finally {
      await next.kill('SIGTERM');
    }
  });
});
