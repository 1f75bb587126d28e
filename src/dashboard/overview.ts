import { AccessPolicy, can } from '../accounts/access-policy.js';
import type { Principal } from '../accounts/roles.js';
import { listScope } from '../api/native/list-scope.js';
import { FINAL_STATUSES } from '../core/statuses.js';
import type { Gateway } from '../gateway.js';
import { eventCountsByState, messagesPerMinute } from '../store/queries/message-activity.js';

const HOUR_MS = 3_600_000;

/** What the overview page shows, scoped exactly as `GET /v1/stats` and the admin-only reads are. */
export interface Overview {
  readonly at: string;
  /** Whose messages: the caller's account, or every account for an admin (as /v1/stats counts). */
  readonly scope: 'account' | 'all';
  /** Sixty minutes, oldest first: messages created in each, by their status now. */
  readonly perMinute: readonly {
    readonly minute: string;
    readonly counts: Readonly<Record<string, number>>;
  }[];
  /** Delivered among the last hour's messages that reached a final status (null: none did). */
  readonly deliveryRate: number | null;
  readonly lastHourTotal: number;
  /** Admins only (`queue:read`), as in /v1/stats. */
  readonly queue?: ReturnType<Gateway['dispatcher']['stats']>;
  /** Admins only (`connectors:read`), as /v1/connectors. */
  readonly connectors?: readonly { name: string; type: string; state: string; inFlight: number }[];
  /** Events waiting for delivery and dead letters, over the accounts whose events the caller may list. */
  readonly webhooks: { readonly pending: number; readonly dead: number; readonly inMemory?: number };
}

/** Builds the overview for one caller. */
export async function buildOverview(
  gateway: Gateway,
  principal: Principal,
  now = Date.now(),
): Promise<Overview> {
  const all = can(principal, 'messages:count-all-accounts');
  const firstMinute = Math.floor((now - HOUR_MS) / 60_000) * 60_000 + 60_000;
  const policy = new AccessPolicy(gateway.store);
  const [rows, events] = await Promise.all([
    messagesPerMinute(gateway.store, firstMinute, all ? undefined : principal.accountId),
    listScope(policy, principal).then((ids) => eventCountsByState(gateway.store, ids)),
  ]);
  const minutes = Array.from({ length: 60 }, (_, i) => firstMinute + i * 60_000);
  const byMinute = new Map<number, Record<string, number>>(minutes.map((m) => [m, {}]));
  let total = 0;
  let final = 0;
  let delivered = 0;
  for (const row of rows) {
    const counts = byMinute.get(row.minute);
    if (!counts) continue;
    counts[row.status] = (counts[row.status] ?? 0) + row.count;
    total += row.count;
    if ((FINAL_STATUSES as readonly string[]).includes(row.status)) final += row.count;
    if (row.status === 'delivered') delivered += row.count;
  }
  const webhooks = can(principal, 'webhooks:read-all')
    ? { pending: events.pending ?? 0, dead: events.dead ?? 0, inMemory: gateway.webhooks.status().inMemory }
    : { pending: events.pending ?? 0, dead: events.dead ?? 0 };
  return {
    at: new Date(now).toISOString(),
    scope: all ? 'all' : 'account',
    perMinute: minutes.map((m) => ({ minute: new Date(m).toISOString(), counts: byMinute.get(m)! })),
    deliveryRate: final === 0 ? null : delivered / final,
    lastHourTotal: total,
    ...(can(principal, 'queue:read') ? { queue: gateway.dispatcher.stats() } : {}),
    ...(can(principal, 'connectors:read')
      ? {
          connectors: [...gateway.connectors.values()].map((c) => {
            const s = c.status();
            return { name: s.name, type: s.type, state: s.state, inFlight: s.inFlight };
          }),
        }
      : {}),
    webhooks,
  };
}
