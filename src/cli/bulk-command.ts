import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clientOptions } from './api-client.js';
import { type BulkSummary, runBulk } from './bulk/bulk-run.js';
import { readContacts, recipientColumn } from './bulk/csv-contacts.js';
import { checkTemplate } from './bulk/text-template.js';

interface BulkFlags {
  csv: string;
  text?: string;
  template?: string;
  from?: string;
  toColumn?: string;
  batchSize: string;
  state?: string;
  resendUnsure?: boolean;
  url?: string;
  apiKey?: string;
}

/** The failed rows listed in the summary; the rest are counted (all are in the state file). */
const FAILED_ROWS_SHOWN = 50;

export function registerBulkCommand(program: Command): void {
  program
    .command('bulk')
    .description('send one templated SMS per row of a CSV; resumable (run it again after an interruption)')
    .requiredOption('--csv <file>', 'contacts, with a header line (a to/phone/number/msisdn/mobile column)')
    .option('--text <text>', 'the text, with {{column}} placeholders')
    .option('--template <file>', 'read the text from a file instead')
    .option('--from <sender>', 'sender id')
    .option('--to-column <name>', 'the column holding the recipient')
    .option('--batch-size <n>', 'rows per request (1-1000)', '500')
    .option('--state <file>', 'where progress is kept between runs (default <csv>.bulk-state.json)')
    .option('--resend-unsure', 'send again rows interrupted longer ago than the gateway remembers keys')
    .option('--url <url>', 'gateway URL [SMSGATE_URL] (default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key [SMSGATE_API_KEY]')
    .action(async (flags: BulkFlags) => {
      if ((flags.text === undefined) === (flags.template === undefined)) {
        throw new Error('give the text with --text or --template <file> (one of them)');
      }
      const template = flags.text ?? readFileSync(flags.template!, 'utf8').replace(/\r?\n$/, '');
      const batchSize = Number(flags.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
        throw new Error('--batch-size must be a whole number from 1 to 1000');
      }
      const client = clientOptions(flags);
      const contacts = readContacts(flags.csv);
      const toColumn = recipientColumn(contacts.columns, flags.toColumn);
      checkTemplate(template, contacts.columns);
      // Ctrl-C ends the run after the batch in flight (its answer recorded); a second one at once.
      let stop = false;
      const onInterrupt = () => {
        if (stop) process.exit(130);
        stop = true;
        process.stderr.write('\nstopping after the batch in flight (Ctrl-C again to quit now)\n');
      };
      process.on('SIGINT', onInterrupt);
      const summary = await runBulk({
        client,
        contacts,
        toColumn,
        template,
        from: flags.from,
        batchSize,
        statePath: flags.state ?? `${flags.csv}.bulk-state.json`,
        resendUnsure: flags.resendUnsure === true,
        out: process.stdout,
        stopRequested: () => stop,
      });
      process.off('SIGINT', onInterrupt);
      printSummary(summary);
      if (summary.interrupted) process.exitCode = 130;
      else if (summary.failed.length > 0) process.exitCode = 2;
    });
}

function printSummary(summary: BulkSummary): void {
  const lines = [
    `${summary.interrupted ? 'interrupted' : 'done'}: ${summary.total} rows`,
    `  accepted  ${summary.accepted}`,
    `  replayed  ${summary.replayed} (sent before, by an interrupted run)`,
    ...(summary.earlier > 0 ? [`  earlier   ${summary.earlier} (settled by an earlier run, skipped)`] : []),
    `  failed    ${summary.failed.length}`,
  ];
  for (const failure of summary.failed.slice(0, FAILED_ROWS_SHOWN)) {
    lines.push(`    row ${failure.row} (${failure.to || 'no number'}): ${failure.reason}`);
  }
  if (summary.failed.length > FAILED_ROWS_SHOWN) {
    lines.push(`    … and ${summary.failed.length - FAILED_ROWS_SHOWN} more (all in the state file)`);
  }
  if (summary.interrupted) lines.push('run the same command again to send the rest');
  console.log(lines.join('\n'));
}
