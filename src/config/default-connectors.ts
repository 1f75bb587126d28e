import type { Config, ConnectorConfig } from './schema.js';
import { DEFAULT_SIM_RULES } from './schema.js';

/** The connectors to run: the configured ones, or the built-in simulator when none are configured. */
export function effectiveConnectors(config: Config): readonly ConnectorConfig[] {
  if (config.connectors.length > 0) return config.connectors;
  return [{ name: 'sim', type: 'sim', receiptDelayMs: 50, window: 1000, rules: DEFAULT_SIM_RULES }];
}
