import type { Insertable } from 'kysely';
import { newMessageId } from '../../src/core/ids.js';
import type { MessagesTable } from '../../src/store/schema.js';

/** A complete messages row (a queued GSM message of account `acct_a`), with `overrides` applied. */
export function messageRow(overrides: Partial<Insertable<MessagesTable>> = {}): Insertable<MessagesTable> {
  const now = Date.now();
  return {
    id: newMessageId(),
    account_id: 'acct_a',
    to_number: '+447911123456',
    sender: null,
    sender_kind: null,
    body: 'hello',
    encoding: 'gsm7',
    segments: 1,
    status: 'queued',
    priority: 1,
    connector: 'sim',
    route: 'default',
    attempts: 0,
    next_attempt_at: null,
    expires_at: now + 3_600_000,
    schedule_at: null,
    callback_url: null,
    client_ref: null,
    metadata: null,
    last_code: null,
    last_detail: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
    final_at: null,
    request_id: null,
    lease_owner: null,
    lease_until: null,
    ...overrides,
  };
}
