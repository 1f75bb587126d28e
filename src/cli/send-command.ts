import type { Command } from 'commander';
import { isFinalStatus } from '../core/statuses.js';
import { apiRequest, clientOptions } from './api-client.js';

interface Accepted {
  messages: { id: string; to: string; status: string; encoding: string; segments: number }[];
}
interface MessageState {
  status: string;
  history: { status: string; code: string | null; detail: string | null }[];
}

export function registerSendCommand(program: Command): void {
  program
    .command('send')
    .description('send an SMS through a running gateway')
    .requiredOption('--to <numbers...>', 'recipient(s), E.164')
    .requiredOption('--text <text>', 'message text')
    .option('--from <sender>', 'sender id: number, short code or alphanumeric')
    .option('--client-ref <ref>', 'your reference, echoed in status and webhooks')
    .option('--wait', 'print each status change until every message is final')
    .option('--url <url>', 'gateway URL [SMSGATE_URL] (default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key [SMSGATE_API_KEY]')
    .action(
      async (options: {
        to: string[];
        text: string;
        from?: string;
        clientRef?: string;
        wait?: boolean;
        url?: string;
        apiKey?: string;
      }) => {
        const client = clientOptions(options);
        const accepted = await apiRequest<Accepted>(client, 'POST', '/v1/messages', {
          to: options.to,
          text: options.text,
          ...(options.from ? { from: options.from } : {}),
          ...(options.clientRef ? { clientRef: options.clientRef } : {}),
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
            const state = await apiRequest<MessageState>(client, 'GET', `/v1/messages/${id}`);
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
      },
    );
}
