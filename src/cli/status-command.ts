import type { Command } from 'commander';
import { apiRequest, clientOptions } from './api-client.js';

interface MessageView {
  id: string;
  to: string;
  status: string;
  encoding: string;
  segments: number;
  connector: string | null;
  history: { status: string; at: string; code: string | null; detail: string | null }[];
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status <id>')
    .description("show a message's status and history")
    .option('--json', 'print the full JSON')
    .option('--url <url>', 'gateway URL [SMSGATE_URL] (default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key [SMSGATE_API_KEY]')
    .action(async (id: string, options: { json?: boolean; url?: string; apiKey?: string }) => {
      const message = await apiRequest<MessageView>(
        clientOptions(options),
        'GET',
        `/v1/messages/${encodeURIComponent(id)}`,
        undefined,
        { looksRight: (value) => Array.isArray((value as MessageView).history) },
      );
      if (options.json) {
        console.log(JSON.stringify(message, null, 2));
        return;
      }
      console.log(
        `${message.id}  to ${message.to}  ${message.status}  (${message.encoding}, ${message.segments} segment(s), via ${message.connector ?? '-'})`,
      );
      for (const h of message.history) {
        console.log(`  ${h.at}  ${h.status.padEnd(11)} ${h.code ?? ''}  ${h.detail ?? ''}`.trimEnd());
      }
    });
}
