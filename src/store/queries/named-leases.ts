import { sql } from 'kysely';
import type { Store } from '../open-store.js';

/**
 * Takes or renews the lease `name` for `owner` until `until`: it is taken when nobody holds it,
 * when its holder let it lapse (`until` before `now`), or when `owner` holds it already. One
 * statement, so two nodes asking at once cannot both win. Returns whether `owner` holds it now.
 */
export async function holdNamedLease(
  store: Store,
  name: string,
  owner: string,
  until: number,
  now: number,
): Promise<boolean> {
  const result = await sql<{ owner: string }>`
    INSERT INTO leases (name, owner, "until") VALUES (${name}, ${owner}, ${until})
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "until" = excluded."until"
    WHERE leases.owner = excluded.owner OR leases."until" < ${now}
    RETURNING owner`.execute(store.db);
  return result.rows.length === 1;
}

/** Gives up `owner`'s leases among `names` (the others' are untouched). */
export async function releaseNamedLeases(
  store: Store,
  names: readonly string[],
  owner: string,
): Promise<void> {
  if (names.length === 0) return;
  await store.db.deleteFrom('leases').where('name', 'in', names).where('owner', '=', owner).execute();
}

/** How many leases whose name starts with `prefix` are held (not lapsed) at `now`. */
export async function countLiveLeases(store: Store, prefix: string, now: number): Promise<number> {
  const row = await store.db
    .selectFrom('leases')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('name', 'like', `${prefix}%`)
    .where('until', '>=', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every lease whose name starts with `prefix`, with its holder and expiry (status and tests). */
export async function listLeases(
  store: Store,
  prefix: string,
): Promise<{ name: string; owner: string; until: number }[]> {
  const rows = await store.db
    .selectFrom('leases')
    .selectAll()
    .where('name', 'like', `${prefix}%`)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, owner: r.owner, until: Number(r.until) }));
}
