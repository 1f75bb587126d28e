import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { bindSession } from '../../src/smpp/smpp-client.js';
import type { SmppSession } from '../../src/smpp/smpp-session.js';
import { receiptedMessageId } from '../../src/smpp/tlv-values.js';
import { freePort, waitUntil } from './smpp-test-kit.js';

/** `smsgate smsc-sim` as a user runs it: a child process, bound to over a real socket, stopped by a signal. */

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CLI = join(REPO_ROOT, 'src', 'cli', 'main.ts');

class CliProcess {
  stdout = '';
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[]) {
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('SMSGATE_')) delete env[name];
    this.child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolveExit) => {
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
    });
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((line) => line.length > 0);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills it if it is still running (for `finally`). */
  async kill(): Promise<void> {
    if (this.exit === undefined) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

describe('smsgate smsc-sim', { timeout: 60_000 }, () => {
  it('listens, accepts a bind, sends a receipt, and prints its counters on SIGTERM before exiting 0', async () => {
    const port = await freePort();
    const cli = new CliProcess(['smsc-sim', '--port', String(port), '--receipt-delay-ms', '10']);
    let session: SmppSession | undefined;
    try {
      await waitUntil(() => cli.lines.length > 0 || cli.exit !== undefined, 'the listening line', 30_000);
      assert.match(
        cli.lines[0] ?? '',
        new RegExp(`^smsc-sim listening on 127\\.0\\.0\\.1:${port} `),
        cli.stderr,
      );
      const receipts: string[] = [];
      session = await bindSession(
        { host: '127.0.0.1', port, systemId: 'smsgate', password: 'secret', mode: 'transceiver' },
        (pdu, s) => {
          const id = receiptedMessageId(pdu);
          if (id !== undefined) receipts.push(id);
          s.respond(pdu, 'deliver_sm_resp');
        },
      );
      const response = await session.request('submit_sm', {
        destination_addr: '447700900123',
        short_message: Buffer.from('hi'),
        registered_delivery: 1,
      });
      assert.equal(response.commandStatus, S.ESME_ROK);
      assert.ok(response.command === 'submit_sm_resp');
      await waitUntil(() => receipts.includes(response.message_id), 'the receipt');
      const closed = new Promise<Error | undefined>((resolveClose) => session?.onClose(resolveClose));
      cli.signal('SIGTERM');
      const exit = await cli.exited;
      assert.deepEqual(exit, { code: 0, signal: null }, cli.stderr);
      assert.equal(await closed, undefined, 'the simulator unbinds before it exits');
      const last = cli.lines.at(-1) ?? '';
      assert.match(last, /^smsc-sim stopped \(SIGTERM\): /);
      assert.match(last, /\bsubmits=1\b/);
      assert.match(last, /\baccepted=1\b/);
      assert.match(last, /\bthrottled=0\b/);
      assert.match(last, /\bdropped=0\b/);
      assert.match(last, /\breceiptsSent=1\b/);
    } finally {
      session?.close();
      await cli.kill();
    }
  });

  it('applies its flags: wrong credentials are refused, --throttle-every and --rules take effect', async () => {
    const port = await freePort();
    const cli = new CliProcess([
      'smsc-sim',
      '--port',
      String(port),
      '--system-id',
      'demo',
      '--password',
      'pw',
      '--throttle-every',
      '2',
      '--rules',
      '[{"prefix":"999","outcome":"rejected"}]',
    ]);
    let session: SmppSession | undefined;
    try {
      await waitUntil(() => cli.lines.length > 0 || cli.exit !== undefined, 'the listening line', 30_000);
      assert.match(cli.lines[0] ?? '', /listening/, cli.stderr);
      await assert.rejects(
        bindSession({
          host: '127.0.0.1',
          port,
          systemId: 'smsgate',
          password: 'secret',
          mode: 'transmitter',
        }),
        /ESME_RINVSYSID/,
      );
      session = await bindSession({
        host: '127.0.0.1',
        port,
        systemId: 'demo',
        password: 'pw',
        mode: 'transmitter',
      });
      const statuses: number[] = [];
      for (const to of ['447700900123', '447700900124', '999123']) {
        const response = await session.request('submit_sm', {
          destination_addr: to,
          short_message: Buffer.from('x'),
        });
        statuses.push(response.commandStatus);
      }
      assert.deepEqual(statuses, [S.ESME_ROK, S.ESME_RTHROTTLED, S.ESME_RINVDSTADR]);
      cli.signal('SIGINT');
      assert.deepEqual(await cli.exited, { code: 0, signal: null }, cli.stderr);
      assert.match(
        cli.lines.at(-1) ?? '',
        /^smsc-sim stopped \(SIGINT\): bindsRefused=1 submits=3 accepted=1 rejected=1 throttled=1 /,
      );
    } finally {
      session?.close();
      await cli.kill();
    }
  });

  it('exits 1 with a message for rules that are not valid', async () => {
    const cli = new CliProcess(['smsc-sim', '--port', '0', '--rules', '[{"suffix":"1","outcome":"lost"}]']);
    try {
      const exit = await cli.exited;
      assert.equal(exit.code, 1);
      assert.match(cli.stderr, /rules\.0\.outcome/);
      assert.equal(cli.stdout, '');
    } finally {
      await cli.kill();
    }
  });
});
