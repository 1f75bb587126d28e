import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { newId } from '../../core/ids.js';
import { FINAL_STATUSES } from '../../core/statuses.js';
import type { Store } from '../open-store.js';
import type { Database, EventsTable } from '../schema.js';
import { chunk } from './chunk.js';

/** An event as the API and the deliverer see it (which node holds it is the cluster's business). */
export type EventRow = Omit<Selectable<EventsTable>, 'lease_owner' | 'lease_until'>;

/** What the webhook deliverer keeps in memory of an event that is still to be delivered. */
export interface PendingEvent {
  readonly seq: number;
  readonly id: string;
  readonly accountId: string;
  readonly orderKey: string;
  readonly url: string;
  attempts: number;
  nextAttemptAt: number;
  /** When the event became pending (created or replayed). */
  readonly pendingSince: number;
  /** Made pending again by a replay (delivered even if an earlier attempt's outcome lands later). */
  readonly replayed?: boolean;
}

export const EVENT_STATES = ['pending', 'delivered', 'dead', 'skipped'] as const;
export type EventState = (typeof EVENT_STATES)[number];

/** A status transition that may become an event (when the message has somewhere to send it). */
export interface StatusEventCandidate {
  messageId: string;
  status: string;
  code: string | null;
  detail: string | null;
  at: number;
}

/** Statuses applications are told about: every one but the split-second `sending`. */
export function isEventStatus(status: string): boolean {
  return status !== 'sending';
}

/** The columns `PendingEvent` is read from. */
export const PENDING_COLUMNS =
  'seq, id, account_id, order_key, url, attempts, next_attempt_at, pending_since';

/** The same columns for Kysely's `select`/`returning`. */
export const PENDING_COLUMN_LIST = [
  'seq',
  'id',
  'account_id',
  'order_key',
  'url',
  'attempts',
  'next_attempt_at',
  'pending_since',
] as const;

/** An event row as RETURNING PENDING_COLUMNS gives it. */
export interface PendingEventRow {
  seq: number | string | bigint;
  id: string;
  account_id: string;
  order_key: string;
  url: string;
  attempts: number;
  next_attempt_at: number | string | bigint;
  pending_since: number | string | bigint;
}

export function toPendingEvent(row: PendingEventRow): PendingEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    accountId: row.account_id,
    orderKey: row.order_key,
    url: row.url,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    pendingSince: Number(row.pending_since),
  };
}

/**
 * SQL condition: a message whose receipts go back over SMPP (`smpp…` formats) gets events of its
 * final statuses only; the others would only be skipped at delivery, at a read and a write each.
 */
function onlyFinalForSmpp(status: string): string {
  const finals = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');
  return `(COALESCE(m.callback_format, r.callback_format, '') NOT LIKE 'smpp%' OR ${status} IN (${finals}))`;
}

/**
 * SQL (SQLite) writing the events of a whole batch of candidates in one statement: the candidates
 * come as one JSON array of `[eventId, messageId, status, code, detail, at]`, so a flush of
 * thousands of changes costs one call, and messages without a webhook URL cost an index probe.
 */
export const INSERT_STATUS_EVENTS_SQLITE = `
  INSERT INTO events (id, account_id, type, message_id, order_key, status, code, detail, at, url, format,
                      state, attempts, next_attempt_at, pending_since, created_at)
  SELECT json_extract(j.value, '$[0]'), m.account_id, 'message.status', m.id, m.id,
         json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'),
         json_extract(j.value, '$[5]'),
         COALESCE(m.callback_url, r.callback_url, a.status_webhook_url), COALESCE(m.callback_format, r.callback_format, 'native'),
         'pending', 0, @now, @now, @now
  FROM json_each(@candidates) AS j
  JOIN messages m ON m.id = json_extract(j.value, '$[1]')
  LEFT JOIN accounts a ON a.id = m.account_id
  LEFT JOIN message_requests r ON r.id = m.request_id
  WHERE COALESCE(m.callback_url, r.callback_url, a.status_webhook_url) IS NOT NULL
    AND ${onlyFinalForSmpp("json_extract(j.value, '$[2]')")}
  ORDER BY j.key
  RETURNING ${PENDING_COLUMNS}`;

/**
 * SQL (SQLite): which of a JSON array of message ids have a webhook URL (their positions). Cheap
 * (one call, index probes only), so the full insert above runs only for messages that need it.
 */
export const EVENT_TARGETS_SQLITE = `
  SELECT j.key FROM json_each(?) AS j
  JOIN messages m ON m.id = j.value
  LEFT JOIN accounts a ON a.id = m.account_id
  LEFT JOIN message_requests r ON r.id = m.request_id
  WHERE COALESCE(m.callback_url, r.callback_url, a.status_webhook_url) IS NOT NULL`;

/**
 * The JSON parameter of the SQLite event inserts (`INSERT_STATUS_EVENTS_SQLITE` and the batch
 * callbacks'): `[eventId, messageId, status, code, detail, at]` per candidate, each with a fresh id.
 */
export function candidatesJson(candidates: readonly StatusEventCandidate[]): string {
  // Callers pass only the candidates that may become events (most messages have no webhook).
  return JSON.stringify(candidates.map((c) => [newId('evt'), c.messageId, c.status, c.code, c.detail, c.at]));
}

/**
 * The INSERT of the status events of the candidates in `source` (a relation of event_id,
 * message_id, status, code, detail, at, ord; any dialect): for the messages that have a callback
 * URL or whose account has a status webhook, in `ord` order, returning the pending columns.
 */
export function statusEventsInsert(source: RawBuilder<unknown>, now: number): RawBuilder<PendingEventRow> {
  return sql<PendingEventRow>`
    INSERT INTO events (id, account_id, type, message_id, order_key, status, code, detail, at, url, format,
                        state, attempts, next_attempt_at, pending_since, created_at)
    SELECT v.event_id, m.account_id, 'message.status', m.id, m.id, v.status, v.code, v.detail, v.at,
           COALESCE(m.callback_url, r.callback_url, a.status_webhook_url), COALESCE(m.callback_format, r.callback_format, 'native'),
           'pending', 0, CAST(${now} AS BIGINT), CAST(${now} AS BIGINT), CAST(${now} AS BIGINT)
    FROM ${source} AS v
    JOIN messages m ON m.id = v.message_id
    LEFT JOIN accounts a ON a.id = m.account_id
    LEFT JOIN message_requests r ON r.id = m.request_id
    WHERE COALESCE(m.callback_url, r.callback_url, a.status_webhook_url) IS NOT NULL
      AND ${sql.raw(onlyFinalForSmpp('v.status'))}
    ORDER BY v.ord
    RETURNING ${sql.raw(PENDING_COLUMNS)}`;
}

/**
 * Event candidates as a relation for `statusEventsInsert` and `batchCallbackEventsInsert` in any
 * dialect (a VALUES list; casts give PostgreSQL the column types), each with a fresh event id.
 */
export function candidateValues(candidates: readonly StatusEventCandidate[]): RawBuilder<unknown> {
  const rows = candidates.map(
    (c, i) =>
      sql`(${newId('evt')}, ${c.messageId}, ${c.status}, ${c.code}, ${c.detail}, CAST(${c.at} AS BIGINT), CAST(${i} AS INTEGER))`,
  );
  return sql`(
    SELECT column1 AS event_id, column2 AS message_id, column3 AS status, column4 AS code,
           column5 AS detail, column6 AS at, column7 AS ord
    FROM (VALUES ${sql.join(rows)}) AS vv
  )`;
}

/**
 * Writes the events of status transitions, inside the caller's transaction, for the messages that
 * have a callback URL or whose account has a status webhook. Returns what was written, in order.
 */
export async function insertStatusEvents(
  trx: Kysely<Database>,
  candidates: readonly StatusEventCandidate[],
  now: number,
): Promise<PendingEvent[]> {
  const written: PendingEvent[] = [];
  for (const slice of chunk(candidates, 500)) {
    const source = candidateValues(slice);
    const result = await statusEventsInsert(source, now).execute(trx);
    for (const row of result.rows) written.push(toPendingEvent(row));
  }
  return written.sort((a, b) => a.seq - b.seq);
}

/** One account's pending events in delivery order, after `afterSeq` (recovery and refill). */
export async function loadPendingEventsOfAccount(
  store: Store,
  accountId: string,
  afterSeq: number,
  limit: number,
): Promise<PendingEvent[]> {
  const rows = await store.db
    .selectFrom('events')
    .select(PENDING_COLUMN_LIST)
    .where('account_id', '=', accountId)
    .where('state', '=', 'pending')
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toPendingEvent);
}

/** The accounts that have pending events (read once at start). */
export async function accountsWithPendingEvents(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('events')
    .select('account_id')
    .distinct()
    .where('state', '=', 'pending')
    .execute();
  return rows.map((row) => row.account_id);
}

/** The outcome of one delivery attempt, to be stored. */
export interface EventOutcome {
  seq: number;
  state: EventState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  deliveredAt: number | null;
}

const sqliteOutcomeStatements = new WeakMap<object, SqliteDatabase.Statement>();

/** Stores attempt outcomes in one transaction. */
export async function storeEventOutcomes(store: Store, outcomes: readonly EventOutcome[]): Promise<void> {
  if (store.sqliteWriter) {
    await store.sqliteWriter.write('eventOutcomes', outcomes);
    return;
  }
  const sorted = [...outcomes].sort((a, b) => a.seq - b.seq);
  const seqs = sorted.map((o) => o.seq);
  // Two statements for any number of outcomes: one UPDATE per outcome was a round trip each, the
  // largest share of the gateway's time with webhooks on PostgreSQL (docs/performance.md). The rows
  // are locked in one order (seq) first, so two writers of the same events wait, never deadlock.
  await store.db.transaction().execute(async (trx) => {
    await sql`SELECT seq FROM events WHERE seq = ANY(${seqs}::bigint[]) ORDER BY seq FOR UPDATE`.execute(trx);
    await sql`
      UPDATE events AS e SET
        state = v.state, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
        last_error = v.last_error, delivered_at = v.delivered_at
      FROM unnest(
        ${seqs}::bigint[], ${sorted.map((o) => o.state)}::text[], ${sorted.map((o) => o.attempts)}::integer[],
        ${sorted.map((o) => o.nextAttemptAt)}::bigint[], ${sorted.map((o) => o.lastError)}::text[],
        ${sorted.map((o) => o.deliveredAt)}::bigint[]
      ) AS v(seq, state, attempts, next_attempt_at, last_error, delivered_at)
      WHERE e.seq = v.seq`.execute(trx);
  });
}

/** The SQLite side of storeEventOutcomes: run in the writer's transaction (sqlite-writer/). */
export function writeEventOutcomesSqlite(
  sqlite: SqliteDatabase.Database,
  outcomes: readonly EventOutcome[],
): void {
  let update = sqliteOutcomeStatements.get(sqlite);
  if (!update) {
    update = sqlite.prepare(
      'UPDATE events SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, delivered_at = ? WHERE seq = ?',
    );
    sqliteOutcomeStatements.set(sqlite, update);
  }
  for (const o of outcomes)
    update.run(o.state, o.attempts, o.nextAttemptAt, o.lastError, o.deliveredAt, o.seq);
}

/** One event by its public id, limited to the given accounts (undefined = any). */
export async function findEvent(
  store: Store,
  id: string,
  accountIds?: readonly string[],
): Promise<EventRow | undefined> {
  let query = store.db.selectFrom('events').selectAll().where('id', '=', id);
  if (accountIds) query = query.where('account_id', 'in', accountIds.length > 0 ? accountIds : ['']);
  return query.executeTakeFirst();
}

export interface EventFilter {
  /** Limit to these accounts (undefined = every account). */
  accountIds?: readonly string[] | undefined;
  state?: EventState | undefined;
  messageId?: string | undefined;
  /** Created at or after (epoch ms). */
  since?: number | undefined;
  /** Created before (epoch ms). */
  until?: number | undefined;
  /** Only events with seq below this (newest-first paging). */
  beforeSeq?: number | undefined;
  limit: number;
}

/** Events newest first. */
export async function listEvents(store: Store, filter: EventFilter): Promise<EventRow[]> {
  let query = store.db.selectFrom('events').selectAll();
  if (filter.accountIds)
    query = query.where('account_id', 'in', filter.accountIds.length > 0 ? filter.accountIds : ['']);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.messageId) query = query.where('message_id', '=', filter.messageId);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
  return query.orderBy('seq', 'desc').limit(filter.limit).execute();
}

/**
 * Makes events pending again for redelivery (attempts reset, due now). Takes the same filter as
 * `listEvents` without paging; returns the events to hand to the deliverer, oldest first.
 */
export async function replayEvents(
  store: Store,
  filter: Omit<EventFilter, 'beforeSeq' | 'limit'> & { ids?: readonly string[] },
  now: number,
  maxEvents: number,
): Promise<PendingEvent[]> {
  return store.db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('events').select('seq').where('state', '!=', 'pending');
    if (filter.ids) query = query.where('id', 'in', filter.ids.length > 0 ? filter.ids : ['']);
    if (filter.accountIds)
      query = query.where('account_id', 'in', filter.accountIds.length > 0 ? filter.accountIds : ['']);
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.messageId) query = query.where('message_id', '=', filter.messageId);
    if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
    const seqs = (await query.orderBy('seq').limit(maxEvents).execute()).map((r) => Number(r.seq));
    const replayed: PendingEvent[] = [];
    for (const slice of chunk(seqs, 500)) {
      await trx
        .updateTable('events')
        .set({
          state: 'pending',
          attempts: 0,
          next_attempt_at: now,
          pending_since: now,
          last_error: null,
          delivered_at: null,
        })
        .where('seq', 'in', slice)
        .execute();
      const rows = await trx
        .selectFrom('events')
        .select(PENDING_COLUMN_LIST)
        .where('seq', 'in', slice)
        .orderBy('seq')
        .execute();
      replayed.push(...rows.map(toPendingEvent));
    }
    return replayed;
  });
}

/** Everything a payload is built from: the event, its message or inbound message, the account's secret. */
export interface EventForDelivery {
  event: EventRow;
  secret: string | null;
  message: {
    id: string;
    to: string;
    from: string | null;
    clientRef: string | null;
    segments: number;
    /** The connector it went (or is going) out through. */
    connector: string | null;
    /** The upstream's id of its first segment, once an upstream took it. */
    upstreamId: string | null;
    /** The first 20 characters of the text (what an SMPP receipt's `text:` repeats). */
    textStart: string;
    createdAt: number;
    sentAt: number | null;
    metadata: string | null;
  } | null;
  inbound: {
    id: string;
    from: string;
    to: string;
    text: string;
    connector: string;
    receivedAt: number;
    messageId: string | null;
    keyword: string | null;
    clientRef: string | null;
  } | null;
}

/**
 * Everything one delivery needs in one query: the event, its message (status events) or inbound
 * message with the message it answers, and the account's signing secret.
 */
const EVENT_FOR_DELIVERY_SQL = `
  SELECT e.seq, e.id, e.account_id, e.type, e.message_id, e.inbound_id, e.order_key, e.status, e.code,
         e.detail, e.at, e.url, e.format, e.state, e.attempts, e.next_attempt_at, e.pending_since,
         e.last_error, e.delivered_at, e.created_at,
         a.webhook_secret AS secret,
         m.id AS m_id, m.to_number AS m_to, m.sender AS m_from, m.client_ref AS m_client_ref,
         m.segments AS m_segments, m.connector AS m_connector,
         (SELECT p.upstream_id FROM message_parts p WHERE p.message_id = m.id ORDER BY p.part_index LIMIT 1) AS m_upstream_id,
         substr(m.body, 1, 20) AS m_text_start, m.created_at AS m_created_at, m.sent_at AS m_sent_at, COALESCE(m.metadata, mr.metadata) AS m_metadata,
         i.id AS i_id, i.from_number AS i_from, i.to_number AS i_to, i.body AS i_text, i.connector AS i_connector,
         i.received_at AS i_received_at, i.message_id AS i_message_id, i.keyword AS i_keyword,
         r.client_ref AS i_client_ref
  FROM events e
  LEFT JOIN accounts a ON a.id = e.account_id
  LEFT JOIN messages m ON m.id = e.message_id AND e.type = 'message.status'
  LEFT JOIN message_requests mr ON mr.id = m.request_id
  LEFT JOIN inbound_messages i ON i.id = e.inbound_id
  LEFT JOIN messages r ON r.id = i.message_id`;

interface EventForDeliveryRow extends EventRow {
  secret: string | null;
  m_id: string | null;
  m_to: string;
  m_from: string | null;
  m_client_ref: string | null;
  m_segments: number;
  m_connector: string | null;
  m_upstream_id: string | null;
  m_text_start: string;
  m_created_at: number;
  m_sent_at: number | null;
  m_metadata: string | null;
  i_id: string | null;
  i_from: string;
  i_to: string;
  i_text: string;
  i_connector: string;
  i_received_at: number;
  i_message_id: string | null;
  i_keyword: string | null;
  i_client_ref: string | null;
}

/** Loads what delivering the event needs (undefined if the event is gone). */
export function loadEventForDelivery(store: Store, seq: number): Promise<EventForDelivery | undefined> {
  let loader = eventLoaders.get(store);
  if (!loader) {
    loader = new EventLoader(store);
    eventLoaders.set(store, loader);
  }
  return loader.load(seq);
}

/**
 * The events asked for in one turn of the event loop are read in one query, not one each: on
 * PostgreSQL that was the most frequent statement with webhooks on (a round trip per event), on
 * SQLite a statement run per event.
 */
class EventLoader {
  private waiting = new Map<
    number,
    { resolve: (row: EventForDelivery | undefined) => void; reject: (error: unknown) => void }[]
  >();
  private sqliteStatement: SqliteDatabase.Statement | undefined;

  constructor(private readonly store: Store) {}

  load(seq: number): Promise<EventForDelivery | undefined> {
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) setImmediate(() => void this.flush());
      const waiters = this.waiting.get(seq) ?? [];
      waiters.push({ resolve, reject });
      this.waiting.set(seq, waiters);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    try {
      const rows = await this.read([...batch.keys()]);
      const bySeq = new Map(rows.map((row) => [Number(row.seq), toEventForDelivery(row)]));
      for (const [seq, waiters] of batch) for (const waiter of waiters) waiter.resolve(bySeq.get(seq));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }

  private async read(seqs: readonly number[]): Promise<EventForDeliveryRow[]> {
    const { sqlite } = this.store;
    if (sqlite) {
      this.sqliteStatement ??= sqlite.prepare(
        `${EVENT_FOR_DELIVERY_SQL} WHERE e.seq IN (SELECT value FROM json_each(?))`,
      );
      return this.sqliteStatement.all(JSON.stringify(seqs)) as EventForDeliveryRow[];
    }
    const result = await sql<EventForDeliveryRow>`${sql.raw(EVENT_FOR_DELIVERY_SQL)}
      WHERE e.seq = ANY(${seqs}::bigint[])`.execute(this.store.db);
    return result.rows;
  }
}

const eventLoaders = new WeakMap<Store, EventLoader>();

function toEventForDelivery(row: EventForDeliveryRow): EventForDelivery {
  const num = (value: number | null) => (value === null ? null : Number(value));
  return {
    event: {
      seq: Number(row.seq),
      id: row.id,
      account_id: row.account_id,
      type: row.type,
      message_id: row.message_id,
      inbound_id: row.inbound_id,
      order_key: row.order_key,
      status: row.status,
      code: row.code,
      detail: row.detail,
      at: Number(row.at),
      url: row.url,
      format: row.format,
      state: row.state,
      attempts: Number(row.attempts),
      next_attempt_at: Number(row.next_attempt_at),
      pending_since: Number(row.pending_since),
      last_error: row.last_error,
      delivered_at: num(row.delivered_at),
      created_at: Number(row.created_at),
    },
    secret: row.secret,
    message:
      row.m_id === null
        ? null
        : {
            id: row.m_id,
            to: row.m_to,
            from: row.m_from,
            clientRef: row.m_client_ref,
            segments: Number(row.m_segments),
            connector: row.m_connector,
            upstreamId: row.m_upstream_id,
            textStart: row.m_text_start,
            createdAt: Number(row.m_created_at),
            sentAt: num(row.m_sent_at),
            metadata: row.m_metadata,
          },
    inbound:
      row.i_id === null
        ? null
        : {
            id: row.i_id,
            from: row.i_from,
            to: row.i_to,
            text: row.i_text,
            connector: row.i_connector,
            receivedAt: Number(row.i_received_at),
            messageId: row.i_message_id,
            keyword: row.i_keyword,
            clientRef: row.i_client_ref,
          },
  };
}
