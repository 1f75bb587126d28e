import type { Selectable } from 'kysely';
import type { Store } from '../open-store.js';
import type { TenantsTable } from '../schema.js';

export type TenantRow = Selectable<TenantsTable>;

export async function insertTenant(store: Store, tenant: TenantRow): Promise<void> {
  await store.db.insertInto('tenants').values(tenant).execute();
}

export async function findTenant(store: Store, id: string): Promise<TenantRow | undefined> {
  return store.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** All tenants, or those one partner manages. */
export async function listTenants(store: Store, partnerAccountId?: string): Promise<TenantRow[]> {
  let query = store.db.selectFrom('tenants').selectAll();
  if (partnerAccountId !== undefined) query = query.where('partner_account_id', '=', partnerAccountId);
  return query.orderBy('created_at').orderBy('id').execute();
}

/** Ids of the tenants whose partner account is disabled (their client accounts are suspended). */
export async function listTenantsOfDisabledPartners(store: Store): Promise<Set<string>> {
  const rows = await store.db
    .selectFrom('tenants')
    .innerJoin('accounts', 'accounts.id', 'tenants.partner_account_id')
    .select('tenants.id')
    .where('accounts.disabled_at', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}
