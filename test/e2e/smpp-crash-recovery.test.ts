/**
 * Acceptance for the SMPP server: a real gateway process is SIGKILLed while an SMPP client submits
 * through a window of 50; after a restart on the same data and a rebind, every submit_sm that was
 * answered ESME_ROK ends in a delivery receipt on the client's bind. Production timings.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { BulkClient } from '../smpp-server/bulk-client.js';
import { api, freePort, GatewayProcess, killAllGateways, runCli, tempDir } from './gateway-process.js';

const TOTAL = 4000;
const KILL_AFTER = 2000;
const CONFIG = {
  // Receipts come late enough that hundreds of answered messages wait for theirs when the process dies.
  connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 400 }],
  logLevel: 'warn',
};

describe('SMPP server: the gateway SIGKILLed mid-run', () => {
  after(() => killAllGateways());

  it('ends every answered submit_sm in a receipt after the restart and a rebind', async () => {
    const data = tempDir('smpp-crash');
    try {
      const smppPort = await freePort();
      let gateway = await GatewayProcess.start({
        dataDir: data.path,
        adminKey: TEST_ADMIN_KEY,
        config: CONFIG,
        smppPort,
        logLevel: 'warn',
      });
      const account = await api<{ id: string }>(gateway.url, TEST_ADMIN_KEY, 'POST', '/v1/accounts', {
        name: 'smpp crash',
        role: 'client',
      });
      assert.equal(account.status, 201);
      const credential = await api(
        gateway.url,
        TEST_ADMIN_KEY,
        'POST',
        `/v1/accounts/${account.body.id}/credentials`,
        {
          kind: 'smpp',
          identifier: 'crash1',
          secret: 'pass1234',
        },
      );
      assert.equal(credential.status, 201);

      const client = new BulkClient(smppPort, 'crash1', 'pass1234', 50);
      await client.bind();
      let killed: Promise<unknown> | undefined;
      await client.submitRange(0, TOTAL, (answered) => {
        if (answered >= KILL_AFTER && !killed) killed = gateway.kill('SIGKILL');
      });
      await killed;
      assert.ok(client.answered.size >= KILL_AFTER, `${client.answered.size} answered before the kill`);
      assert.ok(client.unanswered > 0, 'the kill cut submits in flight');
      const missingAtKill = client.missingReceipts().length;
      assert.ok(missingAtKill > 0, 'some answered submits still waited for their receipts');

      gateway = await gateway.restart();
      await waitFor(
        async () => {
          try {
            await client.bind();
            return true;
          } catch {
            return undefined;
          }
        },
        20_000,
        'the rebind',
      );
      await waitFor(
        () => (client.missingReceipts().length === 0 ? true : undefined),
        60_000,
        `receipts of every answered submit (${client.missingReceipts().length} of ${client.answered.size} missing)`,
      );
      // The operator's view of the bind: `smsgate smpp binds` against the restarted gateway.
      const binds = await runCli(['smpp', 'binds'], {
        SMSGATE_URL: gateway.url,
        SMSGATE_API_KEY: TEST_ADMIN_KEY,
      });
      assert.equal(binds.code, 0, binds.stderr);
      assert.match(binds.stdout, new RegExp(`^# SMPP server: port ${smppPort}; 1 bind\\(s\\)$`, 'm'));
      assert.match(binds.stdout, /crash1 \(acc_\w+\)\s+transceiver\s+127\.0\.0\.1/);
      assert.match(binds.stdout, /receipts=\d+/);
      await client.unbind();
      await gateway.kill('SIGTERM');
    } finally {
      data.remove();
    }
  });
});
