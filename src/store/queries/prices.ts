import type { Store } from '../open-store.js';

export interface PriceRow {
  prefix: string;
  price_micros: number;
}

export async function listPrices(store: Store): Promise<PriceRow[]> {
  return store.db.selectFrom('prices').selectAll().orderBy('prefix').execute();
}

/** Replaces the whole price list in one transaction. */
export async function replacePrices(store: Store, prices: readonly PriceRow[]): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('prices').execute();
    if (prices.length > 0)
      await trx
        .insertInto('prices')
        .values([...prices])
        .execute();
  });
}

export async function findBalance(store: Store, accountId: string): Promise<number | null> {
  const row = await store.db
    .selectFrom('accounts')
    .select('balance_micros')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.balance_micros ?? null;
}

/** Adds `deltaMicros` (negative to take away) to a prepaid balance; returns the new balance. */
export async function adjustBalance(
  store: Store,
  accountId: string,
  deltaMicros: number,
): Promise<number | null> {
  await store.db
    .updateTable('accounts')
    .set((eb) => ({ balance_micros: eb('balance_micros', '+', deltaMicros) }))
    .where('id', '=', accountId)
    .where('balance_micros', 'is not', null)
    .execute();
  return findBalance(store, accountId);
}
