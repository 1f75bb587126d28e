// Waiting on an account's outbox instead of sleeping: its messages are final (so every event
// they will have exists) and none of its events is pending. Not a test file.
import { isFinalStatus } from '../../src/core/statuses.js';
import type { Store } from '../../src/store/open-store.js';
import type { EventsTable } from '../../src/store/schema.js';
import { waitFor } from '../helpers/gateway.js';

export async function accountOutboxSettled(
  store: Store,
  accountId: string,
  timeoutMs = 30_000,
): Promise<Pick<EventsTable, 'state' | 'last_error' | 'url'>[]> {
  return waitFor(
    async () => {
      const messages = await store.db
        .selectFrom('messages')
        .select('status')
        .where('account_id', '=', accountId)
        .execute();
      if (messages.length === 0 || !messages.every((m) => isFinalStatus(m.status))) return undefined;
      const events = await store.db
        .selectFrom('events')
        .select(['state', 'last_error', 'url'])
        .where('account_id', '=', accountId)
        .execute();
      return events.length > 0 && events.every((e) => e.state !== 'pending') ? events : undefined;
    },
    timeoutMs,
    `account ${accountId}: messages final, events settled`,
  );
}
