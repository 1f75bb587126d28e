import { effectiveConnectors } from '../../../config/default-connectors.js';
import type { Config } from '../../../config/schema.js';
import { DEFAULT_DIALECT_GROUP, type DialectGroup } from '../../../connectors/dialect-group.js';

/** The families seed 000's `channel` may name, and the group each reports under. */
const FAMILY_GROUPS = {
  grandcom: 'grandcomMsgResponse',
  clickatell: 'clickatellMsgResponse',
  smpp: 'SMPPMsgResponse',
} as const satisfies Record<string, DialectGroup>;

/** A provider family (a connector type): `grandcom`, `clickatell` or `smpp`. */
export type ProviderFamily = keyof typeof FAMILY_GROUPS;

/** The family a `channel` names (any letter case, surrounding spaces ignored), if it names one. */
export function familyOfChannel(channel: string | undefined): ProviderFamily | undefined {
  const name = channel?.trim().toLowerCase();
  return name !== undefined && Object.hasOwn(FAMILY_GROUPS, name) ? (name as ProviderFamily) : undefined;
}

/**
 * Which group of `SmsMsgResponse` each connector's messages go under: Grandcom, Clickatell and
 * SMPP connectors their family's; others (sim, generic HTTP) the one their `dialectGroup` names,
 * `SMPPMsgResponse` by default. A connector no longer configured reports under the default too.
 */
export class ResponseGroups {
  private readonly byConnector = new Map<string, DialectGroup>();

  constructor(config: Config) {
    for (const connector of effectiveConnectors(config)) {
      const family = familyOfChannel(connector.type);
      const configured = 'dialectGroup' in connector ? connector.dialectGroup : undefined;
      this.byConnector.set(
        connector.name,
        family ? FAMILY_GROUPS[family] : (configured ?? DEFAULT_DIALECT_GROUP),
      );
    }
  }

  groupOf(connector: string | undefined): DialectGroup {
    return (connector === undefined ? undefined : this.byConnector.get(connector)) ?? DEFAULT_DIALECT_GROUP;
  }
}
