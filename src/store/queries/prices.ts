import type { Transaction } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database } from '../schema.js';

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

/**
 * Adds `deltaMicros` (negative to take away) to a prepaid balance, never taking it below zero;
 * returns the new balance, or undefined when nothing changed (not prepaid, or it would go below zero).
 */
export async function adjustBalance(
  store: Store,
  accountId: string,
  deltaMicros: number,
): Promise<number | undefined> {
  const result = await store.db
    .updateTable('accounts')
    .set((eb) => ({ balance_micros: eb('balance_micros', '+', deltaMicros) }))
    .where('id', '=', accountId)
    .where('balance_micros', 'is not', null)
    .where('balance_micros', '>=', Math.max(0, -deltaMicros))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return undefined;
  return (await findBalance(store, accountId)) ?? undefined;
}

/** Why a transfer moved nothing: the payer's balance is too low, or one side is not prepaid. */
export type TransferRefusal = 'insufficient' | 'from_not_prepaid' | 'to_not_prepaid';

/**
 * Moves `micros` (> 0) from one prepaid balance to another in one transaction, never taking the
 * payer below zero. Returns both new balances, or why nothing moved.
 */
export async function transferBalance(
  store: Store,
  fromId: string,
  toId: string,
  micros: number,
): Promise<{ from: number; to: number } | TransferRefusal> {
  class Refused extends Error {
    constructor(readonly reason: TransferRefusal) {
      super(reason);
    }
  }
  const debit = (trx: Transaction<Database>) =>
    trx
      .updateTable('accounts')
      .set((eb) => ({ balance_micros: eb('balance_micros', '-', micros) }))
      .where('id', '=', fromId)
      .where('balance_micros', 'is not', null)
      .where('balance_micros', '>=', micros)
      .executeTakeFirst();
  const credit = (trx: Transaction<Database>) =>
    trx
      .updateTable('accounts')
      .set((eb) => ({ balance_micros: eb('balance_micros', '+', micros) }))
      .where('id', '=', toId)
      .where('balance_micros', 'is not', null)
      .executeTakeFirst();
  try {
    return await store.db.transaction().execute(async (trx) => {
      // Rows are locked in id order, so two opposite transfers cannot deadlock on PostgreSQL.
      const steps = fromId < toId ? (['debit', 'credit'] as const) : (['credit', 'debit'] as const);
      for (const step of steps) {
        const result = await (step === 'debit' ? debit(trx) : credit(trx));
        if (Number(result.numUpdatedRows) > 0) continue;
        if (step === 'credit') throw new Refused('to_not_prepaid');
        const payer = await trx
          .selectFrom('accounts')
          .select('balance_micros')
          .where('id', '=', fromId)
          .executeTakeFirst();
        throw new Refused(
          payer?.balance_micros === null || payer === undefined ? 'from_not_prepaid' : 'insufficient',
        );
      }
      const rows = await trx
        .selectFrom('accounts')
        .select(['id', 'balance_micros'])
        .where('id', 'in', [fromId, toId])
        .execute();
      const balance = (id: string) => rows.find((r) => r.id === id)?.balance_micros ?? 0;
      return { from: balance(fromId), to: balance(toId) };
    });
  } catch (error) {
    if (error instanceof Refused) return error.reason;
    throw error;
  }
}
