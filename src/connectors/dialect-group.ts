import { z } from 'zod';

/**
 * The groups seed 000's `SmsMsgResponse` reports each message under, by the provider family that
 * carried it. Grandcom, Clickatell and SMPP connectors report under their own; connectors of other
 * types (the simulator, generic HTTP providers) under the one their `dialectGroup` setting names.
 */
export const DIALECT_GROUPS = ['grandcomMsgResponse', 'clickatellMsgResponse', 'SMPPMsgResponse'] as const;
/** One of {@link DIALECT_GROUPS}. */
export type DialectGroup = (typeof DIALECT_GROUPS)[number];

/** Where a connector without a family of its own reports when its config names no group. */
export const DEFAULT_DIALECT_GROUP: DialectGroup = 'SMPPMsgResponse';

/** The `dialectGroup` connector setting (sim and http connectors); absent means the default. */
export const dialectGroupField = { dialectGroup: z.enum(DIALECT_GROUPS).optional() };
