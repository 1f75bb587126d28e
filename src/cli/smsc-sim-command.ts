import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_PASSWORD,
  DEFAULT_SYSTEM_ID,
  MESSAGE_ID_FORMATS,
  type MessageIdFormat,
  type SmscSimOptions,
} from '../smsc-sim/smsc-sim-options.js';
import type { SmscSimulator } from '../smsc-sim/smsc-simulator.js';
import { portOption } from './server-options.js';

interface SmscSimFlags {
  port: number;
  host: string;
  systemId: string;
  password: string;
  receiptDelayMs?: number;
  throttleEvery?: number;
  dropEvery?: number;
  responseDelayMs?: number;
  neverRespond?: boolean;
  rules?: unknown[];
  messageIdFormat?: MessageIdFormat;
  receiptIdFormat?: MessageIdFormat;
}

/** How long a signal waits for the sessions to unbind before the process exits anyway. */
const STOP_GRACE_MS = 3000;

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('must be a whole number');
  return n;
}

function positiveInt(value: string): number {
  const n = nonNegativeInt(value);
  if (n < 1) throw new InvalidArgumentError('must be 1 or more');
  return n;
}

function rulesOption(value: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be JSON, e.g. [{"suffix":"0000","outcome":"undelivered"}]');
  }
  if (!Array.isArray(parsed)) throw new InvalidArgumentError('must be a JSON array of rules');
  return parsed;
}

function idFormatOption(value: string): MessageIdFormat {
  if (!(MESSAGE_ID_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be ${MESSAGE_ID_FORMATS.join(' or ')}`);
  }
  return value as MessageIdFormat;
}

/** `smsgate smsc-sim`: runs the SMPP SMSC simulator until SIGINT/SIGTERM, then prints its counters. */
export function registerSmscSimCommand(program: Command): void {
  program
    .command('smsc-sim')
    .description('run the SMPP 3.4 SMSC simulator (for demos and tests)')
    .option('--port <port>', 'SMPP port to listen on', portOption, 2775)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--system-id <id>', 'system_id clients bind with', DEFAULT_SYSTEM_ID)
    .option('--password <password>', 'password clients bind with', DEFAULT_PASSWORD)
    .option('--receipt-delay-ms <ms>', 'delay before each delivery receipt (default 100)', nonNegativeInt)
    .option('--throttle-every <n>', 'answer every Nth submit_sm with ESME_RTHROTTLED', positiveInt)
    .option('--drop-every <n>', 'close the connection on every Nth submit_sm, unanswered', positiveInt)
    .option('--response-delay-ms <ms>', 'delay before each submit_sm_resp', nonNegativeInt)
    .option('--never-respond', 'accept binds but never answer submit_sm')
    .option(
      '--rules <json>',
      'destination rules, e.g. [{"suffix":"0000","outcome":"undelivered"}] ' +
        '(outcomes: delivered, undelivered, expired, rejected, deleted, silent)',
      rulesOption,
    )
    .option(
      '--message-id-format <format>',
      'ids in submit_sm_resp: hex or decimal (default hex)',
      idFormatOption,
    )
    .option(
      '--receipt-id-format <format>',
      'ids in receipts: hex or decimal (default: as submit_sm_resp)',
      idFormatOption,
    )
    .action(async (flags: SmscSimFlags) => {
      // Loaded here, not at the top: the other commands start without the SMPP stack.
      const { SmscSimulator } = await import('../smsc-sim/smsc-simulator.js');
      const simulator = new SmscSimulator({
        systemId: flags.systemId,
        password: flags.password,
        receiptDelayMs: flags.receiptDelayMs,
        throttleEvery: flags.throttleEvery,
        dropEvery: flags.dropEvery,
        responseDelayMs: flags.responseDelayMs,
        neverRespond: flags.neverRespond ?? false,
        rules: flags.rules as SmscSimOptions['rules'],
        messageIdFormat: flags.messageIdFormat,
        receiptIdFormat: flags.receiptIdFormat,
        // A long run must not keep every message in memory.
        recordSubmits: false,
      });
      const port = await simulator.start(flags.port, flags.host);
      console.log(
        `smsc-sim listening on ${flags.host}:${port} (system_id ${flags.systemId}, ` +
          `receipts after ${simulator.settings.receiptDelayMs} ms)`,
      );
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
        void Promise.race([simulator.stop().catch(() => {}), grace]).then(() => {
          console.log(`smsc-sim stopped (${signal}): ${formatCounters(simulator.counters)}`);
          process.exit(0);
        });
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}

function formatCounters(counters: SmscSimulator['counters']): string {
  return Object.entries(counters)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}
