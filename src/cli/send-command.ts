import type { Command } from 'commander';
import { isFinalStatus, PRIORITIES } from '../core/statuses.js';
import { apiRequest, clientOptions } from './api-client.js';

interface Accepted {
  messages: { id: string; to: string; status: string; encoding: string; segments: number }[];
}
interface MessageState {
  status: string;
  history: { status: string; code: string | null; detail: string | null }[];
}

interface SendFlags {
  to: string[];
  text: string;
  from?: string;
  clientRef?: string;
  schedule?: string;
  priority?: string;
  validity?: string;
  callbackUrl?: string;
  metadata?: string;
  idempotencyKey?: string;
  wait?: boolean;
  url?: string;
  apiKey?: string;
}

/** The send body from the flags; a flag that cannot be read is an error naming it. */
function sendBody(options: SendFlags): Record<string, unknown> {
  const body: Record<string, unknown> = { to: options.to, text: options.text };
  if (options.from) body.from = options.from;
  if (options.clientRef) body.clientRef = options.clientRef;
  if (options.schedule) body.scheduleAt = options.schedule;
  if (options.priority) {
    if (!(PRIORITIES as readonly string[]).includes(options.priority)) {
      throw new Error(`--priority must be one of ${PRIORITIES.join(', ')}`);
    }
    body.priority = options.priority;
  }
  if (options.validity) {
    const seconds = Number(options.validity);
    if (!Number.isInteger(seconds) || seconds < 1)
      throw new Error('--validity must be a whole number of seconds');
    body.validitySeconds = seconds;
  }
  if (options.callbackUrl) body.callbackUrl = options.callbackUrl;
  if (options.metadata) {
    try {
      body.metadata = JSON.parse(options.metadata);
    } catch {
      throw new Error('--metadata must be a JSON object, e.g. \'{"order":"1234"}\'');
    }
  }
  return body;
}

export function registerSendCommand(program: Command): void {
  program
    .command('send')
    .description('send an SMS through a running gateway')
    .requiredOption('--to <numbers...>', 'recipient(s), E.164')
    .requiredOption('--text <text>', 'message text')
    .option('--from <sender>', 'sender id: number, short code or alphanumeric')
    .option('--client-ref <ref>', 'your reference, echoed in status and webhooks')
    .option('--schedule <time>', 'send later: an ISO 8601 time with a zone, e.g. 2026-12-24T09:00:00Z')
    .option('--priority <priority>', `${PRIORITIES.join(', ')} (default normal)`)
    .option('--validity <seconds>', 'give up (expired) if not sent within this many seconds')
    .option('--callback-url <url>', 'where to POST this message’s status events')
    .option('--metadata <json>', 'a JSON object kept with the message and its events')
    .option('--idempotency-key <key>', 'safe to retry: the same key and request send once')
    .option('--wait', 'print each status change until every message is final')
    .option('--url <url>', 'gateway URL [SMSGATE_URL] (default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key [SMSGATE_API_KEY]')
    .action(async (options: SendFlags) => {
      const client = clientOptions(options);
      const accepted = await apiRequest<Accepted>(client, 'POST', '/v1/messages', sendBody(options), {
        ...(options.idempotencyKey ? { headers: { 'idempotency-key': options.idempotencyKey } } : {}),
        looksRight: (value) => Array.isArray((value as Accepted).messages),
      });
      for (const m of accepted.messages) {
        console.log(
          `${m.id}  ${m.to}  ${m.status}  (${m.encoding}, ${m.segments} segment${m.segments === 1 ? '' : 's'})`,
        );
      }
      if (!options.wait) return;
      // Print every transition from the message's history (polling alone would miss fast ones),
      // skipping the `queued` entry already printed above.
      const printed = new Map(accepted.messages.map((m) => [m.id, 1]));
      const pending = new Set(accepted.messages.filter((m) => !isFinalStatus(m.status)).map((m) => m.id));
      let failures = 0;
      while (pending.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        for (const id of [...pending]) {
          const state = await apiRequest<MessageState>(client, 'GET', `/v1/messages/${id}`, undefined, {
            looksRight: (value) => Array.isArray((value as MessageState).history),
          });
          const seen = printed.get(id) ?? 0;
          for (const entry of state.history.slice(seen)) {
            const code = entry.code ? `  ${entry.code}` : '';
            console.log(`${id}  ${entry.status}${code}${entry.detail ? `  ${entry.detail}` : ''}`);
          }
          printed.set(id, Math.max(seen, state.history.length));
          if (isFinalStatus(state.status)) {
            pending.delete(id);
            if (state.status !== 'delivered') failures++;
          }
        }
      }
      if (failures > 0) process.exitCode = 2;
    });
}
