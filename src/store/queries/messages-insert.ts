import type { Insertable, Kysely } from 'kysely';
import type { Database, MessageHistoryTable, MessagesTable } from '../schema.js';
import { chunk } from './chunk.js';

// 26 columns per message row: 400 rows stay far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const ROWS_PER_STATEMENT = 400;

/** Inserts accepted messages and their first history entries (inside the caller's transaction). */
export async function insertMessages(
  trx: Kysely<Database>,
  messages: readonly Insertable<MessagesTable>[],
  history: readonly Insertable<MessageHistoryTable>[],
): Promise<void> {
  for (const slice of chunk(messages, ROWS_PER_STATEMENT)) {
    await trx.insertInto('messages').values(slice).execute();
  }
  await insertHistory(trx, history);
}

/** Appends history entries (one per status transition). */
export async function insertHistory(
  trx: Kysely<Database>,
  history: readonly Insertable<MessageHistoryTable>[],
): Promise<void> {
  for (const slice of chunk(history, 1000)) {
    await trx.insertInto('message_history').values(slice).execute();
  }
}
