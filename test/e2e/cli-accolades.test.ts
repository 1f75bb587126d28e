/**
 * Provisioning seed 003 as an operator does: `smsgate credentials create --kind account_password
 * --region …` against a real gateway process, then an application's form POST to
 * `/<accountNumber>/sms/send` with a national number; reserved account numbers refused by the CLI.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { api, GatewayProcess, killAllGateways, runCli, tempDir } from './gateway-process.js';

describe('smsgate credentials for the sms/send form API', { timeout: 120_000 }, () => {
  const dir = tempDir('cli-accolades');
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  let accountId: string;
  let accountKey: string;

  before(async () => {
    gateway = await GatewayProcess.start({
      dataDir: join(dir.path, 'data'),
      adminKey: TEST_ADMIN_KEY,
      logLevel: 'warn',
      config: { connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 20 }] },
    });
    env = { SMSGATE_URL: gateway.url, SMSGATE_API_KEY: TEST_ADMIN_KEY };
    const created = await api<{ id: string; apiKey: { key: string } }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'POST',
      '/v1/accounts',
      {
        name: 'Romanian CRM',
        role: 'client',
      },
    );
    assert.equal(created.status, 201);
    accountId = created.body.id;
    accountKey = created.body.apiKey.key;
  });
  after(async () => {
    await killAllGateways();
    dir.remove();
  });

  it('creates an account password with a region, lists it, and the application sends a national number', async () => {
    const create = await runCli(
      [
        'credentials',
        'create',
        accountId,
        '--kind',
        'account_password',
        '--identifier',
        '40212345678',
        '--secret',
        'crm api password',
        '--region',
        'ro',
      ],
      env,
    );
    assert.equal(create.code, 0, create.stderr);
    assert.match(
      create.stdout,
      /^cred_\S+ {2}40212345678 {2}region RO {2}secret \(shown only now\): crm api password\n$/,
    );
    const list = await runCli(['credentials', 'list', accountId], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^cred_\S+ {2}account_password {2}40212345678 {2}- {2}live {2}region RO\n$/);

    const response = await fetch(`${gateway.url}/40212345678/sms/send`, {
      method: 'POST',
      body: new URLSearchParams({
        password: 'crm api password',
        phoneNumber: '0721 000 006',
        message: 'Salut',
      }),
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '{ "type" : "ok" }');
    const id = response.headers.get('smsgate-message-id');
    // The message is the account's, read with its own API key: the national number became E.164.
    const message = await api<{ to: string; text: string; clientRef: string | null }>(
      gateway.url,
      accountKey,
      'GET',
      `/v1/messages/${id}`,
    );
    assert.equal(message.status, 200);
    assert.equal(message.body.to, '+40721000006');
    assert.equal(message.body.text, 'Salut');
  });

  it('refuses a reserved account number and an unknown region', async () => {
    const reserved = await runCli(
      ['credentials', 'create', accountId, '--kind', 'account_password', '--identifier', 'interact'],
      env,
    );
    assert.notEqual(reserved.code, 0);
    assert.match(reserved.stderr, /identifier_reserved|is a path of another API/);
    const region = await runCli(
      ['credentials', 'create', accountId, '--kind', 'account_password', '--region', 'XX'],
      env,
    );
    assert.notEqual(region.code, 0);
    assert.match(region.stderr, /region "XX" is not a country code/);
  });
});
