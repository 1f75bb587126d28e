import type { Store } from '../store/open-store.js';
import { insertAuditEntry } from '../store/queries/audit-log.js';
import type { Principal } from './roles.js';

/**
 * Records an administrative change. `detail` must never hold secrets (keys, passwords).
 * `target.accountId` is the account the target belongs to (a key's or credential's owner; an
 * account target is its own): readers see an entry only if they may see that account
 * (`AccessPolicy.auditScope`).
 */
export async function audit(
  store: Store,
  actor: Principal,
  action: string,
  target: { type: string; id: string; tenantId: string | null; accountId?: string },
  detail?: Record<string, unknown>,
): Promise<void> {
  await insertAuditEntry(store, {
    at: Date.now(),
    actor_account_id: actor.accountId,
    action,
    target_type: target.type,
    target_id: target.id,
    tenant_id: target.tenantId,
    account_id: target.accountId ?? (target.type === 'account' ? target.id : null),
    detail: detail === undefined ? null : JSON.stringify(detail),
  });
}
