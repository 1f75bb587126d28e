import type { Kysely } from 'kysely';
import type { Store } from '../open-store.js';
import type { Database } from '../schema.js';

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: string;
  createdAt: number;
}

/** The stored response for an idempotency key, if one younger than `notBefore` exists. */
export async function findIdempotentResponse(
  store: Store,
  accountId: string,
  key: string,
  notBefore: number,
): Promise<StoredResponse | undefined> {
  const row = await store.db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .where('created_at', '>=', notBefore)
    .executeTakeFirst();
  return row
    ? {
        requestHash: row.request_hash,
        statusCode: row.status_code,
        response: row.response,
        createdAt: row.created_at,
      }
    : undefined;
}

/** A response stored under an idempotency key, with the transaction that created its messages. */
export interface IdempotencyEntry {
  key: string;
  requestHash: string;
  statusCode: number;
  response: string;
  createdAt: number;
  /** Entries with this key older than this have expired and are replaced. */
  expiredBefore: number;
}

/**
 * Records a response under its key in the same transaction as the messages it created. An expired
 * entry with the same key is replaced; a live one is left alone (the caller checked for one first,
 * and a duplicate key must not fail the other requests of a group commit).
 */
export async function insertIdempotentResponse(
  trx: Kysely<Database>,
  row: IdempotencyEntry & { accountId: string },
): Promise<void> {
  await trx
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', row.accountId)
    .where('key', '=', row.key)
    .where('created_at', '<', row.expiredBefore)
    .execute();
  await trx
    .insertInto('idempotency_keys')
    .values({
      account_id: row.accountId,
      key: row.key,
      request_hash: row.requestHash,
      status_code: row.statusCode,
      response: row.response,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Deletes keys older than `before`; returns how many. */
export async function purgeIdempotencyKeys(store: Store, before: number): Promise<number> {
  const result = await store.db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
