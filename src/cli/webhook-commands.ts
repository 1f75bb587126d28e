import type { Command } from 'commander';
import { apiRequest } from './api-client.js';
import { type ConnectionFlags, printEach, run, withConnection } from './command-support.js';

interface EventView {
  id: string;
  type: string;
  messageId: string | null;
  inboundId: string | null;
  status: string | null;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}
interface InboundView {
  id: string;
  accountId: string | null;
  from: string;
  to: string;
  text: string;
  inReplyTo: string | null;
  keyword: string | null;
  receivedAt: string;
}
interface WebhookSettings {
  statusUrl: string | null;
  inboundUrl: string | null;
  secret: string | null;
}
interface OptOutView {
  number: string;
  source: string;
  createdAt: string;
}

const eventLine = (e: EventView) =>
  `${e.id}  ${e.createdAt}  ${e.state.padEnd(9)}  ${e.type}  ${e.messageId ?? e.inboundId ?? '-'}  ${e.status ?? ''}  attempts=${e.attempts}${e.lastError ? `  ${e.lastError}` : ''}`;
const inboundLine = (i: InboundView) =>
  `${i.id}  ${i.receivedAt}  ${i.from} → ${i.to}  ${i.inReplyTo ?? '-'}${i.keyword ? `  [${i.keyword}]` : ''}  ${JSON.stringify(i.text)}`;

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

/** `smsgate events …`, `smsgate inbound …` and `smsgate opt-outs …`, against a running gateway. */
export function registerWebhookCommands(program: Command): void {
  const events = program.command('events').description('webhook events: list and replay');
  withConnection(
    events
      .command('list')
      .description('events, newest first')
      .option('--state <state>', 'pending, delivered, dead or skipped')
      .option('--message <id>', 'events of one message')
      .option('--since <time>', 'created at or after (ISO 8601)')
      .option('--until <time>', 'created before (ISO 8601)')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(
    (
      flags: ConnectionFlags & {
        state?: string;
        message?: string;
        since?: string;
        until?: string;
        limit: string;
      },
    ) =>
      run(
        flags,
        (c) =>
          apiRequest<{ data: EventView[] }>(
            c,
            'GET',
            `/v1/events${query({ state: flags.state, messageId: flags.message, since: flags.since, until: flags.until, limit: flags.limit })}`,
          ),
        (r) => printEach(r.data, eventLine),
      ),
  );
  withConnection(
    events
      .command('replay [eventId]')
      .description('deliver one event again, or every event created in a time range')
      .option('--since <time>', 'range start (ISO 8601), with --until')
      .option('--until <time>', 'range end (ISO 8601)')
      .option('--state <state>', 'only events in this state: delivered, dead or skipped')
      .option('--message <id>', 'only events of this message'),
  ).action(
    (
      eventId: string | undefined,
      flags: ConnectionFlags & { since?: string; until?: string; state?: string; message?: string },
    ) => {
      if (eventId === undefined && (flags.since === undefined || flags.until === undefined)) {
        throw new Error('name an event id, or give --since and --until');
      }
      return run(
        flags,
        (c) =>
          eventId !== undefined
            ? apiRequest<{ replayed: number }>(
                c,
                'POST',
                `/v1/events/${encodeURIComponent(eventId)}/replay`,
                {},
              )
            : apiRequest<{ replayed: number }>(c, 'POST', '/v1/events/replay', {
                since: flags.since,
                until: flags.until,
                ...(flags.state ? { state: flags.state } : {}),
                ...(flags.message ? { messageId: flags.message } : {}),
              }),
        (r) => console.log(`replayed ${r.replayed} event${r.replayed === 1 ? '' : 's'}`),
      );
    },
  );

  const webhooks = program.command('webhooks').description("an account's webhook URLs and signing secret");
  const printSettings = (w: WebhookSettings) =>
    console.log(
      `status:  ${w.statusUrl ?? '-'}\ninbound: ${w.inboundUrl ?? '-'}\nsecret:  ${w.secret ?? '-'}`,
    );
  withConnection(webhooks.command('show <accountId>').description('URLs and signing secret')).action(
    (accountId: string, flags: ConnectionFlags) =>
      run(
        flags,
        (c) =>
          apiRequest<WebhookSettings>(c, 'GET', `/v1/accounts/${encodeURIComponent(accountId)}/webhooks`),
        printSettings,
      ),
  );
  withConnection(
    webhooks
      .command('set <accountId>')
      .description('set the default status webhook and the inbound webhook ("none" clears one)')
      .option('--status-url <url>', 'status events of messages without their own callbackUrl')
      .option('--inbound-url <url>', 'inbound messages'),
  ).action((accountId: string, flags: ConnectionFlags & { statusUrl?: string; inboundUrl?: string }) => {
    const value = (url: string | undefined) => (url === undefined ? undefined : url === 'none' ? null : url);
    return run(
      flags,
      (c) =>
        apiRequest<WebhookSettings>(c, 'PUT', `/v1/accounts/${encodeURIComponent(accountId)}/webhooks`, {
          statusUrl: value(flags.statusUrl),
          inboundUrl: value(flags.inboundUrl),
        }),
      printSettings,
    );
  });
  withConnection(
    webhooks.command('rotate-secret <accountId>').description('replace the signing secret'),
  ).action((accountId: string, flags: ConnectionFlags) =>
    run(
      flags,
      (c) =>
        apiRequest<{ secret: string }>(
          c,
          'POST',
          `/v1/accounts/${encodeURIComponent(accountId)}/webhooks/rotate-secret`,
          {},
        ),
      (r) => console.log(r.secret),
    ),
  );

  const inbound = program.command('inbound').description('inbound (mobile-originated) messages');
  withConnection(
    inbound
      .command('list')
      .description('inbound messages, newest first')
      .option('--message <id>', 'replies to one message')
      .option('--from <number>', 'from one number')
      .option('--limit <n>', 'at most this many', '100'),
  ).action((flags: ConnectionFlags & { message?: string; from?: string; limit: string }) =>
    run(
      flags,
      (c) =>
        apiRequest<{ data: InboundView[] }>(
          c,
          'GET',
          `/v1/inbound${query({ messageId: flags.message, from: flags.from, limit: flags.limit })}`,
        ),
      (r) => printEach(r.data, inboundLine),
    ),
  );

  const optOuts = program.command('opt-outs').description("numbers that opted out of an account's messages");
  const accountOption = (command: Command) =>
    withConnection(command.option('--account <id>', 'another account you manage (default: your own)'));
  accountOption(optOuts.command('list').description('opted-out numbers')).action(
    (flags: ConnectionFlags & { account?: string }) =>
      run(
        flags,
        (c) =>
          apiRequest<{ data: OptOutView[] }>(c, 'GET', `/v1/opt-outs${query({ accountId: flags.account })}`),
        (r) => printEach(r.data, (o) => `${o.number}  ${o.source.padEnd(7)}  ${o.createdAt}`),
      ),
  );
  accountOption(optOuts.command('add <number>').description('stop sending to a number')).action(
    (number: string, flags: ConnectionFlags & { account?: string }) =>
      run(
        flags,
        (c) =>
          apiRequest<{ number: string; created: boolean }>(c, 'POST', '/v1/opt-outs', {
            number,
            ...(flags.account ? { accountId: flags.account } : {}),
          }),
        (r) => console.log(r.created ? `opted out ${r.number}` : `${r.number} had already opted out`),
      ),
  );
  accountOption(optOuts.command('remove <number>').description('allow sending to a number again')).action(
    (number: string, flags: ConnectionFlags & { account?: string }) =>
      run(
        flags,
        (c) =>
          apiRequest<undefined>(
            c,
            'DELETE',
            `/v1/opt-outs/${encodeURIComponent(number)}${query({ accountId: flags.account })}`,
          ),
        () => console.log(`removed the opt-out of ${number}`),
      ),
  );
}
