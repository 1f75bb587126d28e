import { z } from 'zod';

const connectorName = z.string().min(1).max(64);

/**
 * One route: what it matches (all given criteria must hold) and what it does (exactly one of
 * `connector`, `failover` or `weighted`).
 */
export const routeSchema = z
  .object({
    /** Recorded on each message it routes; defaults to a description of its criteria. */
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w+*/.:-]+$/, 'letters, digits and + * / . : _ - only')
      .optional(),
    /** Destination prefix in E.164 (`+44`, `+4477`); the longest match wins. Omit for any. */
    prefix: z
      .string()
      .regex(/^\+\d*$/, 'an E.164 prefix such as +44')
      .optional(),
    /** Only messages of this account. */
    accountId: z.string().min(1).optional(),
    /** Only messages that ask for this channel or provider (seed 000's `channel`, the native `channel`). */
    channel: z.string().min(1).max(64).optional(),
    /** Only messages from this sender id. */
    sender: z.string().min(1).max(20).optional(),
    /** Send through this connector. */
    connector: connectorName.optional(),
    /** Try these in order: the next on a connection failure or retryable error, never after a permanent reject. */
    failover: z.array(connectorName).min(1).max(20).optional(),
    /** Spread over these in proportion to their weights. */
    weighted: z
      .array(z.object({ connector: connectorName, weight: z.number().positive().max(1_000_000) }).strict())
      .min(1)
      .max(20)
      .optional(),
  })
  .strict()
  .refine(
    (r) => [r.connector, r.failover, r.weighted].filter((action) => action !== undefined).length === 1,
    'a route needs exactly one of connector, failover or weighted',
  );

export type RouteDefinition = z.output<typeof routeSchema>;

/** The connectors a route may send through, in its order. */
export function routeConnectors(route: RouteDefinition): string[] {
  if (route.connector) return [route.connector];
  if (route.failover) return [...route.failover];
  return (route.weighted ?? []).map((w) => w.connector);
}

/** A route's name: its own, or its criteria (`+44`, `+44/account=acc_1`, `*`). */
export function routeName(route: RouteDefinition): string {
  if (route.name) return route.name;
  const parts = [route.prefix ?? '*'];
  if (route.accountId) parts.push(`account=${route.accountId}`);
  if (route.channel) parts.push(`channel=${route.channel}`);
  if (route.sender) parts.push(`sender=${route.sender}`);
  return parts.join('/');
}
