import type { ConnectorConfig } from '../config/schema.js';
import type { Connector, ConnectorSink } from './connector.js';
import { SimConnector } from './sim/sim-connector.js';
import { SmppConnector } from './smpp/smpp-connector.js';

/** Builds the connector a config entry describes. */
export function createConnector(config: ConnectorConfig, sink: ConnectorSink): Connector {
  switch (config.type) {
    case 'sim':
      return new SimConnector(config, sink);
    case 'smpp':
      return new SmppConnector(config, sink);
  }
}
