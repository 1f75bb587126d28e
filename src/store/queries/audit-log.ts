import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { AuditLogTable } from '../schema.js';

export type AuditEntry = Selectable<AuditLogTable>;

export async function insertAuditEntry(store: Store, entry: Insertable<AuditLogTable>): Promise<void> {
  await store.db.insertInto('audit_log').values(entry).execute();
}

/** Newest first; limited to some tenants (and some actors' own entries) when given. */
export async function listAuditEntries(
  store: Store,
  filter: { tenantIds?: readonly string[]; actorIds?: readonly string[]; limit: number },
): Promise<AuditEntry[]> {
  let query = store.db.selectFrom('audit_log').selectAll();
  if (filter.tenantIds) {
    const tenantIds = filter.tenantIds;
    const actorIds = filter.actorIds ?? [];
    query = query.where((eb) =>
      eb.or([
        ...(tenantIds.length > 0 ? [eb('tenant_id', 'in', tenantIds)] : []),
        ...(actorIds.length > 0 ? [eb('actor_account_id', 'in', actorIds)] : []),
        eb.lit(false),
      ]),
    );
  }
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
