/**
 * `smsgate campaigns …` against a gateway process: create, list, show, update, report and delete,
 * as a client for its own account and as an admin for a client's; the report counts a campaign SMS
 * sent through the Interact REST API of the same process.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { api, GatewayProcess, killAllGateways, runCli, tempDir } from './gateway-process.js';

describe('smsgate campaigns', { timeout: 120_000 }, () => {
  const dir = tempDir('cli-campaigns');
  let gateway: GatewayProcess;
  let client: { id: string; key: string; tenantId: string; appKey: string };

  before(async () => {
    gateway = await GatewayProcess.start({
      dataDir: join(dir.path, 'data'),
      adminKey: TEST_ADMIN_KEY,
      logLevel: 'warn',
      config: {
        connectors: [
          { name: 'sim', type: 'sim', receiptDelayMs: 5 },
          { name: 'premium', type: 'sim', receiptDelayMs: 5 },
        ],
      },
    });
    const tenant = await api<{ id: string }>(gateway.url, TEST_ADMIN_KEY, 'POST', '/v1/tenants', {
      name: 'T',
    });
    const account = await api<{ id: string; apiKey: { key: string } }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'POST',
      '/v1/accounts',
      {
        name: 'client',
        tenantId: tenant.body.id,
      },
    );
    const credential = await api<{ secret: string }>(
      gateway.url,
      account.body.apiKey.key,
      'POST',
      `/v1/accounts/${account.body.id}/credentials`,
      { kind: 'application_key' },
    );
    assert.equal(credential.status, 201);
    client = {
      id: account.body.id,
      key: account.body.apiKey.key,
      tenantId: tenant.body.id,
      appKey: credential.body.secret,
    };
  });

  after(async () => {
    await gateway?.kill('SIGTERM').catch(() => {});
    await killAllGateways();
    dir.remove();
  });

  it('manages a campaign from the command line and reports its deflected calls', async () => {
    const env = { SMSGATE_URL: gateway.url, SMSGATE_API_KEY: client.key };
    const created = await runCli(
      [
        'campaigns',
        'create',
        'camp 1',
        '--text',
        'Hi {{name}}',
        '--from',
        '+12121234567',
        '--name',
        'Spring',
      ],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, `camp 1  ${client.id}  from=+12121234567  name="Spring"  "Hi {{name}}"\n`);

    const updated = await runCli(
      ['campaigns', 'update', 'camp 1', '--text', 'Hello {{name}}', '--from', 'none'],
      env,
    );
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(updated.stdout, `camp 1  ${client.id}  from=-  name="Spring"  "Hello {{name}}"\n`);

    const refused = await runCli(
      ['campaigns', 'create', 'vip', '--text', 'x', '--connector', 'premium'],
      env,
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /403: Only an admin pins a campaign to a connector/);
    const admin = { SMSGATE_URL: gateway.url, SMSGATE_API_KEY: TEST_ADMIN_KEY };
    const pinned = await runCli(
      ['campaigns', 'create', 'vip', '--text', 'x', '--connector', 'premium', '--account', client.id],
      admin,
    );
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(pinned.stdout, `vip  ${client.id}  from=-  connector=premium  "x"\n`);

    const listed = await runCli(['campaigns', 'list'], env);
    assert.equal(
      listed.stdout,
      `camp 1  ${client.id}  from=-  name="Spring"  "Hello {{name}}"\nvip  ${client.id}  from=-  connector=premium  "x"\n`,
    );
    const shown = await runCli(['campaigns', 'show', 'camp 1', '--json'], env);
    assert.equal(JSON.parse(shown.stdout).text, 'Hello {{name}}');

    // A call (a token), deflected to SMS through the Interact REST API.
    const headers = {
      'tenant-id': client.tenantId,
      'application-key': client.appKey,
      'content-type': 'application/json',
    };
    const base = `${gateway.url}/interact/version/3/account/${client.tenantId}/resources`;
    const token = await fetch(`${base}/generateToken`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ campaignId: 'camp 1' }),
    });
    const { jpToken } = (await token.json()) as { jpToken: string };
    await fetch(`${base}/generateToken`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ campaignId: 'camp 1' }),
    });
    const sent = await fetch(`${base}/campaign/sms/${encodeURIComponent('camp 1')}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ callerId: '+447911123456', jpToken, additionalParams: 'name=Ana' }),
    });
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /^Placed campaign \{camp 1\} in SMS queue messageSid: SM[0-9a-f]{32}$/);

    const day = new Date().toISOString().slice(0, 10);
    const report = await runCli(['campaigns', 'report', 'camp 1', '--from', day, '--to', day], env);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(
      report.stdout,
      `# camp 1 ${day} … ${day}: date  calls  deflected\n${day}  2  1\ntotal  2  1\n`,
    );

    const deleted = await runCli(['campaigns', 'delete', 'camp 1'], env);
    assert.equal(deleted.stdout, 'deleted camp 1\n');
    const gone = await runCli(['campaigns', 'show', 'camp 1'], env);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /404: Campaign camp 1 was not found/);
  });
});
