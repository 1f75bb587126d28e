// "Nothing more will arrive" as an observable event instead of a sleep: a message's events are
// written in the same transaction as its status changes, so once it is final every event it will
// ever have is in the outbox; once none of them is pending, every delivery has been answered.

import { isFinalStatus } from '../../src/core/statuses.js';
import type { Store } from '../../src/store/open-store.js';
import { waitFor } from './gateway.js';

/** Waits until every message in `ids` is final and none of its webhook events is still pending. */
export async function outboxSettled(store: Store, ids: readonly string[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      const rows = await store.db
        .selectFrom('messages')
        .select(['id', 'status'])
        .where('id', 'in', ids)
        .execute();
      if (rows.length !== ids.length || !rows.every((r) => isFinalStatus(r.status))) return undefined;
      const pending = await store.db
        .selectFrom('events')
        .select('id')
        .where('message_id', 'in', ids)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return pending ? undefined : true;
    },
    timeoutMs,
    `messages ${ids.join(', ')} final with no webhook event pending`,
  );
}
