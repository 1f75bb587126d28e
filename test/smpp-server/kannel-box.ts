import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep } from '../smpp/smpp-test-kit.js';

/** Where Debian's `kannel` package puts its boxes. */
const BEARERBOX_PATHS = ['/usr/sbin/bearerbox', '/usr/bin/bearerbox', '/usr/local/sbin/bearerbox'];

/** The bearerbox binary, if Kannel is installed. */
export function findBearerbox(): string | undefined {
  return BEARERBOX_PATHS.find((path) => existsSync(path));
}

export interface KannelOptions {
  bearerbox: string;
  /** The SMPP server Kannel's `smsc = smpp` group binds to. */
  smppPort: number;
  systemId: string;
  password: string;
}

/**
 * A real Kannel (bearerbox + smsbox) with one `smsc = smpp` transceiver group pointing at smsgate
 * and a sendsms user — the configuration docs/smpp-server.md shows.
 */
export class KannelBox {
  private readonly processes: ChildProcess[] = [];

  private constructor(
    private readonly dir: string,
    readonly sendsmsPort: number,
  ) {}

  static async start(options: KannelOptions): Promise<KannelBox> {
    const dir = mkdtempSync(join(tmpdir(), 'smsgate-kannel-'));
    const [adminPort, boxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
    const config = `
group = core
admin-port = ${adminPort}
admin-password = admin
smsbox-port = ${boxPort}
box-allow-ip = 127.0.0.1
admin-allow-ip = 127.0.0.1
log-file = "${dir}/bearerbox.log"
log-level = 0
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = smsgate
host = 127.0.0.1
port = ${options.smppPort}
transceiver-mode = true
smsc-username = ${options.systemId}
smsc-password = ${options.password}
system-type = ""
source-addr-ton = 5
source-addr-npi = 0
dest-addr-ton = 1
dest-addr-npi = 1
enquire-link-interval = 30
reconnect-delay = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${boxPort}
sendsms-port = ${sendsmsPort}
log-file = "${dir}/smsbox.log"
log-level = 0

group = sendsms-user
username = tester
password = foobar
max-messages = 3
concatenation = true

group = sms-service
keyword = default
text = "ok"
catch-all = true
omit-empty = true
`;
    const file = join(dir, 'kannel.conf');
    writeFileSync(file, config);
    const box = new KannelBox(dir, sendsmsPort);
    const smsbox = options.bearerbox.replace(/bearerbox$/, 'smsbox');
    box.spawn(options.bearerbox, file);
    await sleep(500);
    box.spawn(smsbox, file);
    await box.waitForSendsms();
    return box;
  }

  private spawn(binary: string, config: string): void {
    const child = spawn(binary, [config], { stdio: 'ignore' });
    this.processes.push(child);
  }

  /** Waits until smsbox answers HTTP (a sendsms without credentials is refused, which is enough). */
  private async waitForSendsms(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${this.sendsmsPort}/cgi-bin/sendsms`);
        await response.arrayBuffer();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`Kannel's smsbox did not start:\n${this.logs()}`);
        await sleep(100);
      }
    }
  }

  /** Sends through Kannel's sendsms interface; resolves with its HTTP status and answer. */
  async sendsms(params: Record<string, string>): Promise<{ status: number; body: string }> {
    const query = new URLSearchParams({ username: 'tester', password: 'foobar', ...params });
    const response = await fetch(`http://127.0.0.1:${this.sendsmsPort}/cgi-bin/sendsms?${query}`);
    return { status: response.status, body: await response.text() };
  }

  /** Both boxes' logs (for failure messages). */
  logs(): string {
    return ['bearerbox.log', 'smsbox.log']
      .map((name) => {
        const path = join(this.dir, name);
        return existsSync(path) ? `--- ${name}\n${readFileSync(path, 'utf8').slice(-4000)}` : '';
      })
      .join('\n');
  }

  async stop(): Promise<void> {
    for (const child of [...this.processes].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
