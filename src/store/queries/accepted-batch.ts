import type { Insertable } from 'kysely';
import type { Store } from '../open-store.js';
import type { MessageHistoryTable, MessagesTable } from '../schema.js';
import { sqliteStatements, sqliteTransaction } from '../sqlite-writes.js';
import { insertIdempotentResponse } from './idempotency.js';
import { insertMessages } from './messages-insert.js';

/** The messages of one accepted request, with its idempotency record when it had a key. */
export interface AcceptedUnit {
  accountId: string;
  rows: readonly Insertable<MessagesTable>[];
  history: readonly Insertable<MessageHistoryTable>[];
  idempotency:
    | {
        key: string;
        requestHash: string;
        statusCode: number;
        response: string;
        createdAt: number;
        /** Entries with this key older than this have expired and are replaced. */
        expiredBefore: number;
      }
    | undefined;
}

/** Stores the messages of many accepted requests in one transaction (the group commit). */
export async function storeAcceptedBatch(store: Store, units: readonly AcceptedUnit[]): Promise<void> {
  if (store.sqlite) {
    const statements = sqliteStatements(store.sqlite);
    await sqliteTransaction(store.sqlite, () => {
      for (const unit of units) {
        for (const row of unit.rows) statements.insertMessage.run(row);
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
    await insertMessages(
      trx,
      units.flatMap((u) => u.rows),
      units.flatMap((u) => u.history),
    );
    for (const unit of units) {
      if (unit.idempotency)
        await insertIdempotentResponse(trx, { accountId: unit.accountId, ...unit.idempotency });
    }
  });
}
