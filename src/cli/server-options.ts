import { type Command, InvalidArgumentError } from 'commander';
import type { ConfigOverrides } from '../config/load-config.js';

/** Adds the flags every command that opens the database shares; they override file and environment. */
export function addServerOptions(command: Command): Command {
  return command
    .option('--config <file>', 'config file (JSON or YAML) [SMSGATE_CONFIG]')
    .option('--data-dir <dir>', 'directory of the SQLite database [SMSGATE_DATA_DIR]')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL [SMSGATE_DATABASE_URL]');
}

/** Commander's parsed options as config overrides (only those given). */
export function overridesFrom(options: Record<string, unknown>): ConfigOverrides {
  const out: ConfigOverrides = {};
  if (typeof options.host === 'string') out.host = options.host;
  if (typeof options.port === 'number') out.port = options.port;
  if (typeof options.smppPort === 'number') out.smppPort = options.smppPort;
  if (typeof options.dataDir === 'string') out.dataDir = options.dataDir;
  if (typeof options.databaseUrl === 'string') out.databaseUrl = options.databaseUrl;
  if (typeof options.config === 'string') out.config = options.config;
  if (typeof options.logLevel === 'string') out.logLevel = options.logLevel;
  return out;
}

/** Parses a port flag. */
export function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be a port number');
  return port;
}
