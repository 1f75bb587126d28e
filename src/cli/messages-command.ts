import type { Command } from 'commander';
import { MESSAGE_STATUSES } from '../core/statuses.js';
import { apiRequest } from './api-client.js';
import { type ConnectionFlags, printEach, run, withConnection } from './command-support.js';

interface MessageLine {
  id: string;
  to: string;
  from: string | null;
  status: string;
  createdAt: string;
  clientRef: string | null;
  lastCode: string | null;
}

interface ListFlags extends ConnectionFlags {
  status?: string;
  to?: string;
  clientRef?: string;
  ref?: string;
  since?: string;
  until?: string;
  limit?: string;
  all?: boolean;
}

/** `smsgate messages list`: the API's list with its filters, newest first, following pages with --all. */
export function registerMessagesCommand(program: Command): void {
  const messages = program.command('messages').description('the messages of your account');
  withConnection(
    messages
      .command('list')
      .description('list messages, newest first (the filters of GET /v1/messages)')
      .option('--status <status>', MESSAGE_STATUSES.join(', '))
      .option('--to <number>', 'recipient')
      .option('--client-ref <ref>', 'your reference')
      .option('--ref <name:value>', 'a dialect reference, e.g. commId:3f2b…')
      .option('--since <time>', 'created at or after (ISO 8601)')
      .option('--until <time>', 'created before (ISO 8601)')
      .option('--limit <n>', 'at most this many per page (1–1000, default 100)')
      .option('--all', 'follow every page'),
  ).action((flags: ListFlags) =>
    run(
      flags,
      async (client) => {
        const params = new URLSearchParams();
        for (const [name, value] of [
          ['status', flags.status],
          ['to', flags.to],
          ['clientRef', flags.clientRef],
          ['ref', flags.ref],
          ['since', flags.since],
          ['until', flags.until],
          ['limit', flags.limit],
        ] as const) {
          if (value !== undefined) params.set(name, value);
        }
        const all: MessageLine[] = [];
        for (;;) {
          const page = await apiRequest<{ data: MessageLine[]; nextCursor: string | null }>(
            client,
            'GET',
            `/v1/messages?${params}`,
            undefined,
            { looksRight: (value) => Array.isArray((value as { data?: unknown }).data) },
          );
          all.push(...page.data);
          if (!flags.all || page.nextCursor === null) return all;
          params.set('cursor', page.nextCursor);
        }
      },
      (list) =>
        printEach(list, (m) =>
          `${m.id}  ${m.createdAt}  ${m.to}  ${m.status.padEnd(11)} ${m.lastCode ?? ''}${m.clientRef ? `  ref ${m.clientRef}` : ''}`.trimEnd(),
        ),
    ),
  );
}
