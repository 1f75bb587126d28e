import type { SenderKind } from '../core/phone-numbers.js';
import type { MessageEncoding } from '../core/text-encoding.js';
import type { MessageRow } from '../store/queries/messages-read.js';

/** What the dispatcher keeps in memory for a message waiting to be sent. */
export interface DispatchItem {
  readonly id: string;
  readonly accountId: string;
  readonly to: string;
  readonly from: string | null;
  readonly fromKind: SenderKind | null;
  readonly text: string;
  readonly encoding: MessageEncoding;
  /** Binary messages: the user data (hex, in `text`) begins with a UDH. */
  readonly udhi: boolean;
  readonly segments: number;
  readonly priority: number;
  connector: string;
  /** The route that chose the connector (failover and weighted routes offer others after a failure). */
  readonly route: string | null;
  readonly expiresAt: number;
  /** Submission attempts made so far. */
  attempts: number;
  /** True while the store says `scheduled` (a `queued` transition is due when it is released). */
  scheduled: boolean;
}

/** Builds a dispatch item from a stored row (recovery, scheduled release, backlog refill). */
export function dispatchItemFromRow(row: MessageRow, fallbackConnector: string): DispatchItem {
  return {
    id: row.id,
    accountId: row.account_id,
    to: row.to_number,
    from: row.sender,
    fromKind: row.sender_kind as SenderKind | null,
    text: row.body,
    encoding: row.encoding as MessageEncoding,
    udhi: row.udhi === 1,
    segments: row.segments,
    priority: row.priority,
    connector: row.connector ?? fallbackConnector,
    route: row.route,
    expiresAt: row.expires_at,
    attempts: row.attempts,
    scheduled: row.status === 'scheduled',
  };
}
