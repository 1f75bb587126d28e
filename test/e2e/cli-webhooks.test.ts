/**
 * `smsgate webhooks|events|inbound|opt-outs` as a user runs them: child processes against a real
 * gateway process, with a real HTTP receiver for the webhooks.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import { api, GatewayProcess, killAllGateways, runCli, tempDir } from './gateway-process.js';

interface Received {
  eventId: string;
  body: { type: string; data: { messageId?: string; status?: string; text?: string } };
}

describe('smsgate webhooks, events, inbound and opt-outs commands', { timeout: 300_000 }, () => {
  const dir = tempDir('cli-webhooks');
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let adminAccountId: string;

  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({
          eventId: String(request.headers['smsgate-event-id']),
          body: JSON.parse(body) as Received['body'],
        });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    gateway = await GatewayProcess.start({
      dataDir: join(dir.path, 'data'),
      adminKey: TEST_ADMIN_KEY,
      logLevel: 'warn',
      config: {
        connectors: [{ name: 'sim', type: 'sim', receiptDelayMs: 20 }],
        webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS },
      },
    });
    env = { SMSGATE_URL: gateway.url, SMSGATE_API_KEY: TEST_ADMIN_KEY };
    const accounts = await api<{ data: { id: string; role: string }[] }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'GET',
      '/v1/accounts',
    );
    adminAccountId = accounts.body.data.find((a) => a.role === 'admin')!.id;
  });

  after(async () => {
    await gateway?.kill('SIGTERM').catch(() => {});
    await killAllGateways();
    receiver?.close();
    dir.remove();
  });

  it('webhooks set/show/rotate-secret manage the URLs and the signing secret', async () => {
    const set = await runCli(
      [
        'webhooks',
        'set',
        adminAccountId,
        '--status-url',
        `${receiverUrl}/status`,
        '--inbound-url',
        `${receiverUrl}/in`,
      ],
      env,
    );
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, new RegExp(`status: +${receiverUrl}/status`));
    const shown = await runCli(['webhooks', 'show', adminAccountId], env);
    const secret = /secret: +(whsec_\S+)/.exec(shown.stdout)?.[1];
    assert.ok(secret, shown.stdout);
    const rotated = await runCli(['webhooks', 'rotate-secret', adminAccountId], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout.trim(), /^whsec_\S+$/);
    assert.notEqual(rotated.stdout.trim(), secret);
    const refused = await runCli(
      ['webhooks', 'set', adminAccountId, '--status-url', 'http://169.254.169.254/'],
      env,
    );
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /400: statusUrl is not allowed: 169\.254\.169\.254 is a cloud metadata address/,
    );
  });

  it('events list shows delivered events; events replay sends one again, and a time range', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    const sent = await api<{ messages: { id: string }[] }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'POST',
      '/v1/messages',
      {
        to: '+447911123456',
        text: 'hi',
        callbackUrl: `${receiverUrl}/status`,
      },
    );
    const messageId = sent.body.messages[0]!.id;
    await waitFor(
      () =>
        received.some((r) => r.body.data.messageId === messageId && r.body.data.status === 'delivered')
          ? true
          : undefined,
      20_000,
      'the delivered event',
    );
    const list = await waitFor(
      async () => {
        const result = await runCli(['events', 'list', '--message', messageId, '--state', 'delivered'], env);
        return result.stdout.split('\n').filter(Boolean).length === 2 ? result : undefined;
      },
      20_000,
      'two delivered events listed',
    );
    const lines = list.stdout.split('\n').filter(Boolean);
    assert.match(
      lines[0]!,
      new RegExp(`^evt_\\S+  \\S+  delivered  message.status  ${messageId}  delivered  attempts=1$`),
    );
    assert.match(
      lines[1]!,
      new RegExp(`^evt_\\S+  \\S+  delivered  message.status  ${messageId}  sent  attempts=1$`),
    );

    const sentEventId = lines[1]!.split('  ')[0]!;
    const before = received.filter((r) => r.eventId === sentEventId).length;
    const replay = await runCli(['events', 'replay', sentEventId], env);
    assert.equal(replay.code, 0, replay.stderr);
    assert.equal(replay.stdout.trim(), 'replayed 1 event');
    await waitFor(
      () => (received.filter((r) => r.eventId === sentEventId).length === before + 1 ? true : undefined),
      20_000,
      'the replayed event',
    );

    await waitFor(
      async () => {
        const listed = await runCli(['events', 'list', '--message', messageId, '--state', 'pending'], env);
        return listed.stdout.trim() === '' ? true : undefined;
      },
      20_000,
      'no event pending',
    );
    const range = await runCli(
      [
        'events',
        'replay',
        '--since',
        started,
        '--until',
        new Date(Date.now() + 1000).toISOString(),
        '--message',
        messageId,
      ],
      env,
    );
    assert.equal(range.code, 0, range.stderr);
    assert.equal(range.stdout.trim(), 'replayed 2 events');
    const missing = await runCli(['events', 'replay'], env);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /name an event id, or give --since and --until/);
  });

  it('inbound list shows a simulated reply linked to its message; opt-outs add/list/remove', async () => {
    const sent = await api<{ messages: { id: string }[] }>(
      gateway.url,
      TEST_ADMIN_KEY,
      'POST',
      '/v1/messages',
      {
        to: '+447911123457',
        from: '+447911000001',
        text: 'Reply?',
        replyRequired: true,
      },
    );
    const messageId = sent.body.messages[0]!.id;
    const simulated = await api(gateway.url, TEST_ADMIN_KEY, 'POST', '/v1/connectors/sim/inbound', {
      from: '+447911123457',
      to: '+447911000001',
      text: 'Yes please',
    });
    assert.equal(simulated.status, 202);
    const listed = await runCli(['inbound', 'list', '--message', messageId], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(`^in_\\S+  \\S+  \\+447911123457 → \\+447911000001  ${messageId}  "Yes please"\\n$`),
    );
    await waitFor(
      () =>
        received.some((r) => r.body.type === 'message.inbound' && r.body.data.text === 'Yes please')
          ? true
          : undefined,
      20_000,
      'the inbound event',
    );

    const added = await runCli(['opt-outs', 'add', '+447911123458'], env);
    assert.equal(added.stdout.trim(), 'opted out +447911123458');
    const again = await runCli(['opt-outs', 'add', '+447911123458'], env);
    assert.equal(again.stdout.trim(), '+447911123458 had already opted out');
    const list = await runCli(['opt-outs', 'list'], env);
    assert.match(list.stdout, /^\+447911123458 {2}api +\S+\n$/);
    const refused = await runCli(['send', '--to', '+447911123458', '--text', 'hi'], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /has opted out of messages from this account/);
    const removed = await runCli(['opt-outs', 'remove', '+447911123458'], env);
    assert.equal(removed.stdout.trim(), 'removed the opt-out of +447911123458');
    const gone = await runCli(['opt-outs', 'remove', '+447911123458'], env);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /404/);
  });
});
