import type { ConnectorConfig } from '../config/schema.js';
import type { BindSlots } from './bind-slots.js';
import { ClickatellConnector } from './clickatell/clickatell-connector.js';
import type { Connector, ConnectorSink } from './connector.js';
import { GrandcomConnector } from './grandcom/grandcom-connector.js';
import { HttpConnector } from './http/http-connector.js';
import { SimConnector } from './sim/sim-connector.js';
import { SmppConnector } from './smpp/smpp-connector.js';

/** Builds the connector a config entry describes; `bindSlots` shares SMPP binds over the nodes. */
export function createConnector(
  config: ConnectorConfig,
  sink: ConnectorSink,
  bindSlots?: BindSlots,
): Connector {
  switch (config.type) {
    case 'sim':
      return new SimConnector(config, sink);
    case 'smpp':
      return new SmppConnector(config, sink, bindSlots);
    case 'clickatell':
      return new ClickatellConnector(config, sink);
    case 'grandcom':
      return new GrandcomConnector(config, sink);
    case 'http':
      return new HttpConnector(config, sink);
  }
}
