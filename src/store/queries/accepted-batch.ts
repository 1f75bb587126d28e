import type SqliteDatabase from 'better-sqlite3';
import type { Insertable } from 'kysely';
import type { Store } from '../open-store.js';
import type {
  MessageHistoryTable,
  MessageRefsTable,
  MessageRequestsTable,
  MessagesTable,
} from '../schema.js';
import { sqliteStatements } from '../sqlite-writes.js';
import { chunk } from './chunk.js';
import { type IdempotencyEntry, insertIdempotentResponse } from './idempotency.js';
import { LimitRefusal } from './limit-refusal.js';
import { insertMessages } from './messages-insert.js';

export { LimitRefusal };

/** The messages of one accepted request, with its idempotency record when it had a key. */
export interface AcceptedUnit {
  accountId: string;
  /** Segments to add to the account's usage for `period`, refused past `quota` (null: none). */
  usage: { period: string; segments: number; quota: number | null };
  /** Taken from the account's prepaid balance with the messages (0 for other accounts), never below zero. */
  debitMicros: number;
  rows: readonly Insertable<MessagesTable>[];
  /** What rows share, stored once (sends to several recipients with a callback or metadata). */
  requests: readonly Insertable<MessageRequestsTable>[];
  /** The messages' searchable references. */
  refs: readonly Insertable<MessageRefsTable>[];
  history: readonly Insertable<MessageHistoryTable>[];
  idempotency: IdempotencyEntry | undefined;
}

/**
 * Stores the messages of many accepted requests in one transaction (the group commit). Quota and
 * balance are taken with conditional UPDATEs, so what every node's memory allowed is checked once
 * more against the one truth; a unit they refuse fails the transaction with a LimitRefusal.
 */
export async function storeAcceptedBatch(store: Store, units: readonly AcceptedUnit[]): Promise<void> {
  if (store.sqliteWriter) {
    await store.sqliteWriter.write('acceptedBatch', units);
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
    // One usage upsert and one debit per account, not per request: each was a round trip, and the
    // requests of one account all wait on its usage row's lock until the commit (per request, that
    // held PostgreSQL ingest to a third of its rate; docs/performance.md). A sum the store refuses
    // fails the whole batch, which the accept service then writes request by request, so each
    // request still gets its own verdict. Accounts in id order: concurrent batches lock alike.
    for (const group of perAccount(units)) {
      const { accountId, period, segments, quota, debitMicros } = group;
      // The conditional upsert below checks an existing row; a new one must fit on its own.
      if (quota !== null && segments > quota) throw new LimitRefusal(accountId, 'quota');
      const counted = await trx
        .insertInto('account_usage')
        .values({ account_id: accountId, period, segments })
        .onConflict((oc) =>
          oc
            .columns(['account_id', 'period'])
            .doUpdateSet((eb) => ({
              segments: eb('account_usage.segments', '+', eb.ref('excluded.segments')),
            }))
            .$call((update) =>
              quota === null
                ? update
                : update.where((eb) =>
                    eb(eb('account_usage.segments', '+', eb.ref('excluded.segments')), '<=', quota),
                  ),
            ),
        )
        .returning('segments')
        .executeTakeFirst();
      if (!counted) throw new LimitRefusal(accountId, 'quota');
      if (debitMicros > 0) {
        const debited = await trx
          .updateTable('accounts')
          .set((eb) => ({ balance_micros: eb('balance_micros', '-', debitMicros) }))
          .where('id', '=', accountId)
          .where('balance_micros', '>=', debitMicros)
          .executeTakeFirst();
        if (debited.numUpdatedRows === 0n) throw new LimitRefusal(accountId, 'balance');
      }
    }
    for (const unit of units) {
      if (unit.idempotency) {
        await insertIdempotentResponse(trx, { accountId: unit.accountId, ...unit.idempotency });
      }
    }
  });
}

interface AccountTotals {
  accountId: string;
  period: string;
  segments: number;
  /** The smallest quota the batch's requests were checked against (null: none). */
  quota: number | null;
  debitMicros: number;
}

/** The batch's usage and debits summed per account and period, in account id order. */
function perAccount(units: readonly AcceptedUnit[]): AccountTotals[] {
  const totals = new Map<string, AccountTotals>();
  for (const unit of units) {
    const key = `${unit.accountId}\u0000${unit.usage.period}`;
    const total = totals.get(key);
    if (!total) {
      totals.set(key, {
        accountId: unit.accountId,
        period: unit.usage.period,
        segments: unit.usage.segments,
        quota: unit.usage.quota,
        debitMicros: unit.debitMicros,
      });
      continue;
    }
    total.segments += unit.usage.segments;
    total.debitMicros += unit.debitMicros;
    if (unit.usage.quota !== null)
      total.quota = total.quota === null ? unit.usage.quota : Math.min(total.quota, unit.usage.quota);
  }
  return [...totals.values()].sort((a, b) =>
    a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : a.period < b.period ? -1 : 1,
  );
}

/** The SQLite side of storeAcceptedBatch: run in the writer's transaction (sqlite-writer/). */
export function writeAcceptedBatchSqlite(
  sqlite: SqliteDatabase.Database,
  units: readonly AcceptedUnit[],
): void {
  const statements = sqliteStatements(sqlite);
  for (const unit of units) {
    for (const request of unit.requests) statements.insertRequest.run(request);
    for (const row of unit.rows) statements.insertMessage.run(row);
    for (const ref of unit.refs)
      statements.insertRef.run(ref.message_id, ref.account_id, ref.name, ref.value);
    const { period, segments, quota } = unit.usage;
    if (quota === null) statements.addUsage.run(unit.accountId, period, segments);
    else if (
      statements.addUsageWithin.run({ account: unit.accountId, period, segments, quota }).changes === 0
    )
      throw new LimitRefusal(unit.accountId, 'quota');
    if (
      unit.debitMicros > 0 &&
      statements.debitBalance.run({ debit: unit.debitMicros, account: unit.accountId }).changes === 0
    )
      throw new LimitRefusal(unit.accountId, 'balance');
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
}
