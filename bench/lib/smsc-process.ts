/**
 * The SMPP simulator both gateways send to: `smsgate smsc-sim` (src/smsc-sim) in its own process,
 * answering every submit_sm at once and sending its receipt at once. Decimal message ids, because
 * that is what Kannel reads without extra settings (msg-id-type 0); smsgate is told the same.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../gateway-process.js';

export interface SmscProcess {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const SMSC_SYSTEM_ID = 'smsgate';
export const SMSC_PASSWORD = 'secret';

export async function startSmsc(receiptDelayMs = 0): Promise<SmscProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      'bin/smsgate.js',
      'smsc-sim',
      '--port',
      String(port),
      '--receipt-delay-ms',
      String(receiptDelayMs),
      '--message-id-format',
      'decimal',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`smsc-sim exited with ${code}`)));
  });
  child.stdout?.resume();
  return {
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The smsgate connector for that simulator; `window` matches Kannel's max-pending-submits. */
export function smppConnector(port: number, window: number) {
  return {
    name: 'smsc',
    type: 'smpp',
    host: '127.0.0.1',
    port,
    systemId: SMSC_SYSTEM_ID,
    password: SMSC_PASSWORD,
    window,
    submitIdFormat: 'decimal',
    receiptIdFormat: 'decimal',
  };
}
