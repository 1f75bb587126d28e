import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type Config, type ConfigInput, configSchema } from './schema.js';

/** Flags from the command line that override the file and the environment. */
export interface ConfigOverrides {
  host?: string;
  port?: number;
  smppPort?: number;
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
  logLevel?: string;
}

export class ConfigError extends Error {}

/**
 * Builds the configuration from (lowest to highest precedence) defaults, the config file, the
 * environment and command-line flags; validates it once and freezes it.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const file = overrides.config ?? env.SMSGATE_CONFIG;
  const fromFile: Record<string, unknown> = file ? readConfigFile(file) : {};
  const fromEnv: Record<string, unknown> = pickDefined({
    host: env.SMSGATE_HOST,
    port: toPort(env.SMSGATE_PORT, 'SMSGATE_PORT'),
    smppPort: toPort(env.SMSGATE_SMPP_PORT, 'SMSGATE_SMPP_PORT'),
    dataDir: env.SMSGATE_DATA_DIR,
    databaseUrl: env.SMSGATE_DATABASE_URL,
    logLevel: env.SMSGATE_LOG_LEVEL,
  });
  // Each node of several sharing one PostgreSQL names itself (the rest of `cluster` from the file).
  if (env.SMSGATE_NODE_ID) {
    const cluster = (fromFile.cluster ?? {}) as Record<string, unknown>;
    fromEnv.cluster = { ...cluster, nodeId: env.SMSGATE_NODE_ID };
  }
  // A secret: kept out of the config file where one prefers (the rest of `metrics` from the file).
  if (env.SMSGATE_METRICS_TOKEN) {
    const metrics = (fromFile.metrics ?? {}) as Record<string, unknown>;
    fromEnv.metrics = { ...metrics, token: env.SMSGATE_METRICS_TOKEN };
  }
  const { config: _file, ...flags } = overrides;
  return buildConfig({ ...fromFile, ...fromEnv, ...pickDefined(flags) });
}

/** Validates a configuration object (defaults filled in) and freezes it deeply. */
export function buildConfig(input: ConfigInput | Record<string, unknown>): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  const shape = z.record(z.string(), z.unknown()).safeParse(parsed ?? {});
  if (!shape.success) throw new ConfigError(`config file ${path} must hold an object`);
  return shape.data;
}

function toPort(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`${name} must be a port number, got "${value}"`);
  return port;
}

function pickDefined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== ''),
  ) as Partial<T>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
