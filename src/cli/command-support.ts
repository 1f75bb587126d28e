import type { Command } from 'commander';
import { type ApiClientOptions, clientOptions } from './api-client.js';

/** Flags every command that talks to a running gateway takes. */
export interface ConnectionFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
}

/** Adds the connection flags (`--url`, `--api-key`, `--json`). */
export function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'gateway URL [SMSGATE_URL] (default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key [SMSGATE_API_KEY]')
    .option('--json', 'print JSON');
}

/** Runs an admin call and prints its result as JSON or through `print`. */
export async function run<T>(
  flags: ConnectionFlags,
  call: (client: ApiClientOptions) => Promise<T>,
  print: (value: T) => void,
): Promise<void> {
  const client = clientOptions(flags);
  const value = await call(client);
  if (flags.json) {
    console.log(JSON.stringify(value ?? null, null, 2));
    return;
  }
  try {
    print(value);
  } catch (error) {
    // JSON of another shape: whatever answered is not the gateway this command expects.
    if (!(error instanceof TypeError)) throw error;
    throw new Error(
      `the server at ${client.url} did not answer as an smsgate gateway would (${error.message}); is --url / SMSGATE_URL right?`,
    );
  }
}

/** Prints one line per item. */
export function printEach<T>(items: readonly T[], line: (item: T) => string): void {
  for (const item of items) console.log(line(item));
}
