import type { Command } from 'commander';
import { addServerOptions, overridesFrom, portOption } from './server-options.js';

export function registerServeCommand(program: Command): void {
  addServerOptions(
    program
      .command('serve')
      .description('run the gateway (HTTP API, dispatcher, connectors)')
      .option('--host <host>', 'address to listen on [SMSGATE_HOST] (default 127.0.0.1)')
      .option('--port <port>', 'HTTP port [SMSGATE_PORT] (default 8080)', portOption)
      .option(
        '--smpp-port <port>',
        'port of the SMPP server, 0 disables [SMSGATE_SMPP_PORT] (default 2775)',
        portOption,
      )
      .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent [SMSGATE_LOG_LEVEL]'),
  ).action(async (options: Record<string, unknown>) => {
    // Loaded here, not at the top: every other command (send, status…) starts without the gateway.
    const [{ loadConfig }, { Gateway }] = await Promise.all([
      import('../config/load-config.js'),
      import('../gateway.js'),
    ]);
    const config = loadConfig(overridesFrom(options));
    const gateway = await Gateway.create({ config, adminKey: process.env.SMSGATE_ADMIN_KEY || undefined });
    try {
      await gateway.start();
    } catch (error) {
      await gateway.stop().catch(() => {});
      throw error;
    }
    if (gateway.generatedAdminKey) {
      // Printed once, on stderr (not into the JSON log on stdout), in a block nobody can miss: it
      // is stored hashed and cannot be shown again.
      const rule = '='.repeat(78);
      process.stderr.write(
        `\n${rule}\n  Created the admin account. Its API key, shown only now — keep it safe:\n\n` +
          `    ${gateway.generatedAdminKey}\n\n` +
          `  Try: curl -H "Authorization: Bearer ${gateway.generatedAdminKey}" \\\n` +
          `         -H "Content-Type: application/json" \\\n` +
          `         -d '{"to":"+447911123456","text":"Hello from smsgate"}' ${gateway.url}/v1/messages\n${rule}\n\n`,
      );
    }
    gateway.logger.info(
      { url: gateway.url, store: gateway.store.location, connectors: [...gateway.connectors.keys()] },
      'smsgate is running',
    );
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      gateway.logger.info({ signal }, 'stopping: draining in-flight messages');
      gateway.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          gateway.logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
}
