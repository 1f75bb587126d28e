/** `smsgate routes list|set|reset` against a gateway process with two simulated upstreams. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { api, GatewayProcess, killAllGateways, runCli, tempDir } from './gateway-process.js';

describe('smsgate routes', { timeout: 120_000 }, () => {
  const dir = tempDir('cli-routes');
  let gateway: GatewayProcess;
  let env: Record<string, string>;

  before(async () => {
    gateway = await GatewayProcess.start({
      dataDir: join(dir.path, 'data'),
      adminKey: TEST_ADMIN_KEY,
      logLevel: 'warn',
      config: {
        connectors: [
          { name: 'one', type: 'sim', receiptDelayMs: 5 },
          { name: 'two', type: 'sim', receiptDelayMs: 5 },
        ],
        routes: [{ prefix: '+44', connector: 'one' }],
      },
    });
    env = { SMSGATE_URL: gateway.url, SMSGATE_API_KEY: TEST_ADMIN_KEY };
  });

  after(async () => {
    await gateway?.kill('SIGTERM').catch(() => {});
    await killAllGateways();
    dir.remove();
  });

  const connectorOf = async (to: string, extra: Record<string, unknown> = {}) => {
    const sent = await api<{ messages: { id: string; connector?: string }[] }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'POST',
      '/v1/messages',
      { to, text: 'hi', ...extra },
    );
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const read = await api<{ connector: string; route: string }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'GET',
      `/v1/messages/${sent.body.messages[0]!.id}`,
    );
    return `${read.body.connector} ${read.body.route}`;
  };

  it('lists the config table, replaces it from a YAML file, and resets it', async () => {
    const listed = await runCli(['routes', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, '# routes from the config file\nprefix=+44  → one\n');
    assert.equal(await connectorOf('+447911123456'), 'one +44');
    const refused = await api<{ error: { code: string } }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'POST',
      '/v1/messages',
      {
        to: '+12025550123',
        text: 'hi',
      },
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'no_route');

    const file = join(dir.path, 'routes.yaml');
    writeFileSync(
      file,
      'routes:\n  - { prefix: "+44", failover: [two, one] }\n  - { channel: premium, connector: one, name: premium }\n  - { connector: two }\n',
    );
    const set = await runCli(['routes', 'set', file], env);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(
      set.stdout,
      '# routes from the saved table (PUT /v1/routes)\nprefix=+44  failover two → one\nchannel=premium  → one  (premium)\n*  → two\n',
    );
    assert.equal(await connectorOf('+447911123456'), 'two +44');
    assert.equal(await connectorOf('+12025550123'), 'two *');
    assert.equal(await connectorOf('+12025550123', { channel: 'premium' }), 'one premium');

    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(bad, '- { connector: three }\n');
    const refusedSet = await runCli(['routes', 'set', bad], env);
    assert.notEqual(refusedSet.code, 0);
    assert.match(refusedSet.stderr, /400: routes\[0\] \(\*\) names unknown connector "three"/);

    const reset = await runCli(['routes', 'reset'], env);
    assert.equal(reset.stdout, '# routes from the config file\nprefix=+44  → one\n');
    assert.equal(await connectorOf('+447911123456'), 'one +44');
  });
});
