import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { AuditLogTable } from '../schema.js';
import { chunk } from './chunk.js';

export type AuditEntry = Selectable<AuditLogTable>;

export async function insertAuditEntry(store: Store, entry: Insertable<AuditLogTable>): Promise<void> {
  await store.db.insertInto('audit_log').values(entry).execute();
}

/** Ids per statement, well inside both databases' bound-parameter limits. */
const IDS_PER_QUERY = 1000;

/**
 * The newest `limit` entries, newest first: every entry, or only those about the given accounts
 * (an account, its keys, its credentials) and the given tenants (their creation).
 */
export async function listAuditEntries(
  store: Store,
  filter: { accountIds?: readonly string[]; tenantIds?: readonly string[]; limit: number },
): Promise<AuditEntry[]> {
  const newest = store.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.accountIds === undefined && filter.tenantIds === undefined) return newest.execute();
  // One query per slice of ids, each already the newest `limit`: their merge's newest `limit` is the answer.
  const queries = [
    ...chunk(filter.accountIds ?? [], IDS_PER_QUERY).map((ids) => newest.where('account_id', 'in', ids)),
    ...chunk(filter.tenantIds ?? [], IDS_PER_QUERY).map((ids) =>
      newest.where('target_type', '=', 'tenant').where('target_id', 'in', ids),
    ),
  ];
  const byId = new Map<number, AuditEntry>();
  for (const query of queries) for (const entry of await query.execute()) byId.set(Number(entry.id), entry);
  return [...byId.values()].sort((a, b) => Number(b.id) - Number(a.id)).slice(0, filter.limit);
}
