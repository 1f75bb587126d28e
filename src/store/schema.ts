import type { ColumnType, Generated } from 'kysely';

/**
 * Table types as Kysely sees them. Times are integers (epoch milliseconds) in both SQLite and
 * PostgreSQL (bigint), which keeps comparisons, sorting and batch updates identical on both.
 */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  messages: MessagesTable;
  message_history: MessageHistoryTable;
  message_parts: MessagePartsTable;
  unmatched_receipts: UnmatchedReceiptsTable;
  idempotency_keys: IdempotencyKeysTable;
  tenants: TenantsTable;
  audit_log: AuditLogTable;
  account_usage: AccountUsageTable;
  credentials: CredentialsTable;
  prices: PricesTable;
  events: EventsTable;
  inbound_messages: InboundMessagesTable;
  opt_outs: OptOutsTable;
  inbound_parts: InboundPartsTable;
  smpp_submit_parts: SmppSubmitPartsTable;
  routes: RoutesTable;
  settings: SettingsTable;
  sender_numbers: SenderNumbersTable;
  message_requests: MessageRequestsTable;
  message_refs: MessageRefsTable;
  jasmin_batches: JasminBatchesTable;
  campaigns: CampaignsTable;
  interactions: InteractionsTable;
  leases: LeasesTable;
}

/** A named lease (one of a connector's binds): held by one node until it lapses. */
export interface LeasesTable {
  name: string;
  owner: string;
  until: number;
}

/** A campaign (seed 004): an SMS text template an account sends to callers, by the id it chose. */
export interface CampaignsTable {
  account_id: string;
  /** The account's own id for it (`campaign1`, `camp 1`): unique per account. */
  id: string;
  name: string | null;
  /** With `{{placeholders}}` filled from a send's `additionalParams`. */
  text: string;
  /** Default sender (E.164, short code or alphanumeric); null: the connector's. */
  sender: string | null;
  /** The connector its messages must use (set by an admin); null: the route table decides. */
  connector: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * One caller interaction (a call) of a campaign, named by its token (`jpToken`); the Deflected Call
 * Report counts them and those that sent an SMS.
 */
export interface InteractionsTable {
  token: string;
  account_id: string;
  campaign_id: string;
  /** E.164; bound by `generateToken` or by the first SMS sent with the token. */
  caller_id: string | null;
  created_at: number;
  expires_at: number;
  /** 1 once an SMS was sent with the token (`smsSent = true`). */
  sms_sent: ColumnType<number, number | undefined, number>;
  sms_sent_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** The last message sent with the token. */
  message_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * A searchable reference a message carries: what a dialect's caller knows it by (ServiceStack's
 * CommId or LinkedObjectId, a contact id, a campaign). One row per name; found by name and value.
 */
/** A Jasmin REST batch with callbacks: where each message's sendout is reported (`jasminBatch` ref). */
export interface JasminBatchesTable {
  /** The batchId `/secure/sendbatch` answered. */
  id: string;
  account_id: string;
  /** Called (GET) when a message of the batch was sent. */
  callback_url: string | null;
  /** Called (GET) when a message of the batch failed before any upstream took it. */
  errback_url: string | null;
  created_at: number;
}

export interface MessageRefsTable {
  message_id: string;
  account_id: string;
  name: string;
  value: string;
}

/**
 * What the messages of one request to several recipients share, stored once for all of them
 * (their own columns are null then): the callback URL and its format, and the metadata.
 */
export interface MessageRequestsTable {
  id: string;
  account_id: string;
  callback_url: string | null;
  callback_format: string | null;
  /** JSON text. */
  metadata: string | null;
  created_at: number;
}

/** A sender number (or short code, or sender id) an account owns: its replies go to that account only. */
export interface SenderNumbersTable {
  /** As senders are stored: E.164 for numbers, digits for short codes, the alphanumeric id. */
  number: string;
  account_id: string;
  created_at: number;
}

/** The route table saved through the admin API, one JSON definition per position. */
export interface RoutesTable {
  position: number;
  definition: string;
}

/** Small named values the gateway keeps (e.g. that a route table was saved). */
export interface SettingsTable {
  key: string;
  value: string;
}

/** One part of a long message an SMPP client is submitting in parts (UDH or SAR). */
export interface SmppSubmitPartsTable {
  account_id: string;
  /** Sender, recipient(s), reference and total: the parts of one message share it. */
  part_key: string;
  seqnum: number;
  total: number;
  /** The id every part was answered with; the reassembled message gets it. */
  message_id: string;
  body: string;
  /** The send's other fields (JSON, from the first part stored). */
  send: string;
  received_at: number;
}

/** One part of a concatenated inbound message whose other parts have not all arrived. */
export interface InboundPartsTable {
  /** connector, sender, recipient, reference and total: the parts of one message share it. */
  part_key: string;
  seqnum: number;
  total: number;
  connector: string;
  from_number: string;
  to_number: string;
  body: string;
  received_at: number;
}

/**
 * The events outbox: one row per thing an application is told about (a status change, an inbound
 * message), written in the same transaction as the change, then delivered to `url`.
 */
export interface EventsTable {
  seq: Generated<number>;
  /** Stable public id (`evt_…`): the same on every delivery attempt, so receivers can de-duplicate. */
  id: string;
  account_id: string;
  /** `message.status` | `message.inbound`. */
  type: string;
  message_id: string | null;
  inbound_id: string | null;
  /** Events with the same key are delivered in `seq` order (the message id, or the inbound id). */
  order_key: string;
  status: string | null;
  code: string | null;
  detail: string | null;
  /** When the change happened. */
  at: number;
  url: string;
  /** Payload format: `native`, or a dialect's (e.g. `accolades`). */
  format: string;
  /** `pending` | `delivered` | `dead` | `skipped`. */
  state: string;
  attempts: number;
  next_attempt_at: number;
  /** When the event last became pending (created or replayed): retries end `retryForSeconds` later. */
  pending_since: number;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
  /** The node delivering it (several nodes on PostgreSQL), and until when unless renewed. */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A mobile-originated message, with the outbound message it answers when one was found. */
export interface InboundMessagesTable {
  id: string;
  /** The account whose conversation this is; null when no message to the sender was found. */
  account_id: string | null;
  connector: string;
  from_number: string;
  to_number: string;
  body: string;
  /** The correlated outbound message. */
  message_id: string | null;
  /** `stop` | `start` when the text was an opt-out keyword. */
  keyword: string | null;
  received_at: number;
  /** The provider's id of the inbound message, when it has one (duplicates are stored once). */
  upstream_id: string | null;
}

/** A number that asked an account to stop sending to it. */
export interface OptOutsTable {
  account_id: string;
  number: string;
  /** `keyword` (an inbound STOP) | `api`. */
  source: string;
  inbound_id: string | null;
  created_at: number;
}

/**
 * Credentials an API dialect authenticates with instead of an API key: an account number and API
 * password (seed 003), a tenant id and application key per environment (seed 004), an SMPP
 * system_id and password. The secret is stored as a scrypt hash only.
 */
export interface CredentialsTable {
  id: string;
  account_id: string;
  kind: string;
  identifier: string;
  /** '' when the kind has no environments. */
  environment: string;
  /** `scrypt$<salt hex>$<hash hex>`. */
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
  /** ISO 3166 region national numbers are read in (seed 003's account passwords); null: the gateway's. */
  default_region: ColumnType<string | null, string | null | undefined, string | null>;
  /** The secret in the clear, for kinds whose callbacks are signed with it (`twilio`); else null. */
  signing_secret: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A customer organisation (the seeds' licensee); its accounts send on its behalf. */
export interface TenantsTable {
  id: string;
  name: string;
  /** The partner account that manages this tenant's accounts, if any. */
  partner_account_id: string | null;
  created_at: number;
}

/** Every administrative change: who did what to which object, when. */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_account_id: string;
  action: string;
  target_type: string;
  target_id: string;
  tenant_id: string | null;
  /** The account the target is or belongs to (a key's, a credential's); null for tenants, prices, routes. */
  account_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON text; never secrets. */
  detail: string | null;
}

export interface AccountsTable {
  id: string;
  name: string;
  role: string;
  tenant_id: string | null;
  created_at: number;
  disabled_at: number | null;
  /** Send rate limit (messages per second); null = none. */
  rate_per_second: ColumnType<number | null, number | null | undefined, number | null>;
  rate_burst: ColumnType<number | null, number | null | undefined, number | null>;
  /** Segments the account may send per calendar month (UTC); null = no quota. */
  monthly_segment_quota: ColumnType<number | null, number | null | undefined, number | null>;
  /** JSON array of the sender ids the account may use; null = any. */
  allowed_senders: ColumnType<string | null, string | null | undefined, string | null>;
  /** Prepaid balance in millionths of the currency unit; null = not prepaid (no balance check). */
  balance_micros: ColumnType<number | null, number | null | undefined, number | null>;
  /** Default URL for the account's status events (a message's own callbackUrl wins). */
  status_webhook_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where the account's inbound messages are sent. */
  inbound_webhook_url: ColumnType<string | null, string | null | undefined, string | null>;
  /** Payload format of inbound events (`twilio:<credential id>`); null: native. */
  inbound_webhook_format: ColumnType<string | null, string | null | undefined, string | null>;
  /** HMAC-SHA256 key the account's webhooks are signed with. */
  webhook_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON `{ [language]: { stop: string[], start: string[] } }` replacing the configured keywords. */
  opt_out_keywords: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * JSON of the limits an admin set (`AdminLimits`): ceilings a partner may tighten but not raise or
   * remove; null = none.
   */
  admin_limits: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Price of one segment to destinations starting with `prefix` (longest prefix wins). */
export interface PricesTable {
  prefix: string;
  price_micros: number;
}

/** Segments accepted per account and month (`YYYY-MM`, UTC), for quotas. */
export interface AccountUsageTable {
  account_id: string;
  period: string;
  segments: number;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  /** The visible, non-secret start of the key, used to find the row. */
  prefix: string;
  /** SHA-256 (hex) of the whole key; keys are high-entropy random strings, so no slow hash is needed. */
  hash: string;
  name: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface MessagesTable {
  id: string;
  account_id: string;
  to_number: string;
  sender: string | null;
  sender_kind: string | null;
  body: string;
  encoding: string;
  segments: number;
  status: string;
  priority: number;
  connector: string | null;
  route: string | null;
  attempts: number;
  /** When a scheduled or retried message is next due; null when ready now. */
  next_attempt_at: number | null;
  expires_at: number;
  schedule_at: number | null;
  callback_url: string | null;
  client_ref: string | null;
  /** JSON text. */
  metadata: string | null;
  /** Raw upstream code of the last transition (SMPP command_status, receipt stat/err, HTTP status). */
  last_code: string | null;
  last_detail: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  final_at: number | null;
  /** Payload format of the message's status events; null = native. */
  callback_format: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1 when the sender asked for a reply (the message is `awaitingReply` until one comes). */
  reply_required: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the first reply to this message arrived. */
  replied_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** The request whose shared fields (callback URL, metadata) this message uses, if stored apart. */
  request_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The node working on it (several gateways on one database), and until when (epoch ms). */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: ColumnType<number | null, number | null | undefined, number | null>;
  /** Binary messages (`encoding` binary, `body` hex): 1 when the user data begins with a UDH. */
  udhi: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface MessageHistoryTable {
  id: Generated<number>;
  message_id: string;
  status: string;
  at: number;
  code: string | null;
  detail: string | null;
}

export interface MessagePartsTable {
  message_id: string;
  part_index: number;
  connector: string;
  upstream_id: string;
  status: string;
  code: string | null;
  updated_at: number;
}

export interface UnmatchedReceiptsTable {
  id: Generated<number>;
  connector: string;
  upstream_id: string;
  status: string;
  code: string | null;
  detail: string | null;
  received_at: number;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  /** SHA-256 of the request's method, path and body; the same key with another body is a conflict. */
  request_hash: string;
  status_code: number;
  response: string;
  created_at: number;
}
