import type { Store } from '../open-store.js';

/** The route table saved through the admin API (JSON of each route, in order); undefined when none was saved. */
export async function loadSavedRoutes(store: Store): Promise<unknown[] | undefined> {
  const rows = await store.db
    .selectFrom('routes')
    .select(['position', 'definition'])
    .orderBy('position')
    .execute();
  if (rows.length === 0) {
    const marker = await store.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'routes')
      .executeTakeFirst();
    return marker ? [] : undefined;
  }
  return rows.map((r) => JSON.parse(r.definition) as unknown);
}

/** Replaces the saved route table; `null` forgets it (the config file's table applies again). */
export async function saveRoutes(store: Store, routes: readonly unknown[] | null, at: number): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('routes').execute();
    await trx.deleteFrom('settings').where('key', '=', 'routes').execute();
    if (routes === null) return;
    // An empty saved table is still a saved table: remember that one was saved.
    await trx
      .insertInto('settings')
      .values({ key: 'routes', value: String(at) })
      .execute();
    if (routes.length > 0) {
      await trx
        .insertInto('routes')
        .values(routes.map((definition, position) => ({ position, definition: JSON.stringify(definition) })))
        .execute();
    }
  });
}
