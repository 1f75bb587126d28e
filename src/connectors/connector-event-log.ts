import type { Logger } from '../core/logger.js';
import type { ConnectorEvent, ConnectorEventKind } from './connector.js';

const MESSAGES: Record<ConnectorEventKind, { level: 'info' | 'warn'; text: string }> = {
  bind_up: { level: 'info', text: 'SMPP bind is up' },
  bind_failed: { level: 'warn', text: 'SMPP bind failed; reconnecting' },
  bind_lost: { level: 'warn', text: 'SMPP bind lost; reconnecting' },
  throttling_started: { level: 'warn', text: 'upstream is throttling: submissions paused' },
  throttling_ended: { level: 'info', text: 'upstream throttling ended' },
  circuit_opened: { level: 'warn', text: 'upstream is not answering: connector marked down' },
  circuit_closed: { level: 'info', text: 'upstream answers again: connector is up' },
};

/**
 * Logs a connector's change of state (once per change, as the connectors report them), where
 * operators of Kannel or Jasmin look first: `warn` for trouble, `info` for recovery.
 */
export function logConnectorEvent(logger: Logger, event: ConnectorEvent): void {
  const { level, text } = MESSAGES[event.kind];
  logger[level](
    {
      connector: event.connector,
      event: event.kind,
      ...(event.bind === undefined ? {} : { bind: event.bind }),
      ...(event.detail === undefined ? {} : { cause: event.detail }),
      ...(event.retryInMs === undefined ? {} : { retryInMs: Math.max(0, Math.round(event.retryInMs)) }),
    },
    text,
  );
}
