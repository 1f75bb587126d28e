import type { Store } from '../open-store.js';
import { insertBatchCallbackEvents } from './batch-callback-events.js';
import { insertStatusEvents, type PendingEvent, type StatusEventCandidate } from './events.js';

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
    const candidate: StatusEventCandidate = {
      messageId: id,
      status: 'canceled',
      code: null,
      detail: 'canceled by request',
      at,
    };
    const events = [
      ...(await insertStatusEvents(trx, [candidate], at)),
      // A canceled message of a Jasmin batch was never sent: its errback.
      ...(await insertBatchCallbackEvents(trx, [candidate], at)),
    ];
    return { canceled: true, events };
  });
}
