/**
 * Kannel (Debian's `kannel` package: bearerbox + smsbox) configured in a temp dir against the
 * same SMPP simulator smsgate uses. Nothing of Kannel is in this repository: the package is
 * installed by bench/peer-kannel.sh and only its binaries are run.
 *
 * Kannel's defaults are kept where they are its users' defaults: no store-file (its queue lives
 * in memory, so its 202 does not mean the message survives a crash, unlike smsgate's) and the
 * internal DLR store. The SMPP window (max-pending-submits) is the one smsgate is given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../gateway-process.js';
import { SMSC_PASSWORD, SMSC_SYSTEM_ID } from './smsc-process.js';

export const KANNEL_USER = 'bench';
export const KANNEL_PASSWORD = 'bench';

export interface RunningKannel {
  /** Base URL of smsbox's sendsms listener. */
  url: string;
  /** bearerbox's and smsbox's process ids (for their CPU time). */
  pids: number[];
  stop(): Promise<void>;
}

export async function startKannel(smscPort: number, window: number): Promise<RunningKannel> {
  const dir = mkdtempSync(join(tmpdir(), 'smsgate-kannel-'));
  const [adminPort, smsboxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
  const conf = join(dir, 'kannel.conf');
  writeFileSync(
    conf,
    `group = core
admin-port = ${adminPort}
admin-password = bench
smsbox-port = ${smsboxPort}
box-allow-ip = 127.0.0.1
log-file = "${dir}/bearerbox.log"
log-level = 3
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = ${smscPort}
transceiver-mode = true
smsc-username = ${SMSC_SYSTEM_ID}
smsc-password = ${SMSC_PASSWORD}
system-type = ""
max-pending-submits = ${window}
msg-id-type = 0x00

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${smsboxPort}
sendsms-port = ${sendsmsPort}
global-sender = 447911000001
log-file = "${dir}/smsbox.log"
log-level = 3

group = sendsms-user
username = ${KANNEL_USER}
password = ${KANNEL_PASSWORD}
max-messages = 1
`,
  );
  const boxes: ChildProcess[] = [];
  const stop = async () => {
    for (const box of boxes.reverse()) {
      if (box.exitCode !== null) continue;
      const exited = new Promise((resolve) => box.once('exit', resolve));
      box.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (box.exitCode === null) box.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    boxes.push(spawn('/usr/sbin/bearerbox', ['-v', '4', conf], { stdio: 'ignore' }));
    await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=bench`);
      return /online/.test(await response.text());
    }, 'bearerbox with its SMPP bind online');
    boxes.push(spawn('/usr/sbin/smsbox', ['-v', '4', conf], { stdio: 'ignore' }));
    await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`);
      return response.status > 0;
    }, 'smsbox listening');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${sendsmsPort}`, pids: boxes.map((box) => box.pid!), stop };
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`Kannel: no ${what} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The sendsms path; `{N}` varies the recipient. With a receiver, dlr-mask=3 (final DLRs) + dlr-url. */
export function sendsmsPath(receiverUrl?: string): string {
  const params = new URLSearchParams({
    username: KANNEL_USER,
    password: KANNEL_PASSWORD,
    to: '+4479111NNNN7',
    text: 'Your code is 123456',
  });
  if (receiverUrl) {
    params.set('dlr-mask', '3');
    params.set('dlr-url', `${receiverUrl}?type=%d`);
  }
  return `/cgi-bin/sendsms?${params.toString().replace('NNNN', '{N}')}`;
}
