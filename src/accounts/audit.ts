import type { Store } from '../store/open-store.js';
import { insertAuditEntry } from '../store/queries/audit-log.js';
import type { Principal } from './roles.js';

/** Records an administrative change. `detail` must never hold secrets (keys, passwords). */
export async function audit(
  store: Store,
  actor: Principal,
  action: string,
  target: { type: string; id: string; tenantId: string | null },
  detail?: Record<string, unknown>,
): Promise<void> {
  await insertAuditEntry(store, {
    at: Date.now(),
    actor_account_id: actor.accountId,
    action,
    target_type: target.type,
    target_id: target.id,
    tenant_id: target.tenantId,
    detail: detail === undefined ? null : JSON.stringify(detail),
  });
}
