import type { Insertable } from 'kysely';
import type { Store } from '../open-store.js';
import type {
  MessageHistoryTable,
  MessageRefsTable,
  MessageRequestsTable,
  MessagesTable,
} from '../schema.js';
import { sqliteStatements, sqliteTransaction } from '../sqlite-writes.js';
import { chunk } from './chunk.js';
import { type IdempotencyEntry, insertIdempotentResponse } from './idempotency.js';
import { insertMessages } from './messages-insert.js';

/** The messages of one accepted request, with its idempotency record when it had a key. */
export interface AcceptedUnit {
  accountId: string;
  /** Segments to add to the account's usage for `period` (quotas). */
  usage: { period: string; segments: number };
  /** Taken from the account's prepaid balance with the messages (0 for other accounts). */
  debitMicros: number;
  rows: readonly Insertable<MessagesTable>[];
  /** What rows share, stored once (sends to several recipients with a callback or metadata). */
  requests: readonly Insertable<MessageRequestsTable>[];
  /** The messages' searchable references. */
  refs: readonly Insertable<MessageRefsTable>[];
  history: readonly Insertable<MessageHistoryTable>[];
  idempotency: IdempotencyEntry | undefined;
}

/** Stores the messages of many accepted requests in one transaction (the group commit). */
export async function storeAcceptedBatch(store: Store, units: readonly AcceptedUnit[]): Promise<void> {
  if (store.sqlite) {
    const statements = sqliteStatements(store.sqlite);
    await sqliteTransaction(store.sqlite, () => {
      for (const unit of units) {
        for (const request of unit.requests) statements.insertRequest.run(request);
        for (const row of unit.rows) statements.insertMessage.run(row);
        for (const ref of unit.refs)
          statements.insertRef.run(ref.message_id, ref.account_id, ref.name, ref.value);
        statements.addUsage.run(unit.accountId, unit.usage.period, unit.usage.segments);
        if (unit.debitMicros > 0) statements.debitBalance.run(unit.debitMicros, unit.accountId);
        for (const h of unit.history) {
          statements.insertHistory.run(h.message_id, h.status, h.at, h.code ?? null, h.detail ?? null);
        }
        const idem = unit.idempotency;
        if (idem) {
          statements.deleteIdempotency.run(unit.accountId, idem.key, idem.expiredBefore);
          statements.insertIdempotency.run(
            unit.accountId,
            idem.key,
            idem.requestHash,
            idem.statusCode,
            idem.response,
            idem.createdAt,
          );
        }
      }
    });
    return;
  }
  await store.db.transaction().execute(async (trx) => {
    const requests = units.flatMap((u) => u.requests);
    if (requests.length > 0) await trx.insertInto('message_requests').values(requests).execute();
    for (const slice of chunk(
      units.flatMap((u) => u.refs),
      1000,
    )) {
      await trx.insertInto('message_refs').values(slice).execute();
    }
    await insertMessages(
      trx,
      units.flatMap((u) => u.rows),
      units.flatMap((u) => u.history),
    );
    for (const unit of units) {
      await trx
        .insertInto('account_usage')
        .values({ account_id: unit.accountId, period: unit.usage.period, segments: unit.usage.segments })
        .onConflict((oc) =>
          oc.columns(['account_id', 'period']).doUpdateSet((eb) => ({
            segments: eb('account_usage.segments', '+', eb.ref('excluded.segments')),
          })),
        )
        .execute();
      if (unit.debitMicros > 0) {
        await trx
          .updateTable('accounts')
          .set((eb) => ({ balance_micros: eb('balance_micros', '-', unit.debitMicros) }))
          .where('id', '=', unit.accountId)
          .execute();
      }
      if (unit.idempotency) {
        await insertIdempotentResponse(trx, { accountId: unit.accountId, ...unit.idempotency });
      }
    }
  });
}
