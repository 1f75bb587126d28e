import type { Store } from '../open-store.js';
import { insertStatusEvents, type PendingEvent } from './events.js';

/**
 * Marks a message canceled if it has not left the gateway (queued or scheduled), recording the
 * transition. Returns false when its status had already moved on.
 */
export async function cancelMessage(
  store: Store,
  accountId: string,
  id: string,
  at: number,
): Promise<{ canceled: boolean; events: PendingEvent[] }> {
  return store.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('messages')
      .set({ status: 'canceled', updated_at: at, final_at: at })
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('status', 'in', ['queued', 'scheduled'])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return { canceled: false, events: [] };
    await trx
      .insertInto('message_history')
      .values({ message_id: id, status: 'canceled', at, code: null, detail: 'canceled by request' })
      .execute();
    const events = await insertStatusEvents(
      trx,
      [
        {
          messageId: id,
          status: 'canceled',
          code: null,
          detail: 'canceled by request',
          at,
        },
      ],
      at,
    );
    return { canceled: true, events };
  });
}
