import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { newWebhookSecret } from '../webhooks/webhook-secret.js';
import type { DialectName } from './open-store.js';

/**
 * Numbered migrations. Each is written once for both databases; where the two differ (the
 * auto-increment key) the dialect is passed in.
 */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const bigint = 'bigint';
  const migrations: Record<string, Migration> = {
    '0001_core': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('accounts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('tenant_id', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addColumn('disabled_at', bigint)
          .execute();

        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
          .addColumn('prefix', 'text', (c) => c.notNull().unique())
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addColumn('last_used_at', bigint)
          .addColumn('revoked_at', bigint)
          .execute();
        await db.schema.createIndex('api_keys_account').on('api_keys').column('account_id').execute();

        await db.schema
          .createTable('messages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('to_number', 'text', (c) => c.notNull())
          .addColumn('sender', 'text')
          .addColumn('sender_kind', 'text')
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('encoding', 'text', (c) => c.notNull())
          .addColumn('segments', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('priority', 'integer', (c) => c.notNull())
          .addColumn('connector', 'text')
          .addColumn('route', 'text')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', bigint)
          .addColumn('expires_at', bigint, (c) => c.notNull())
          .addColumn('schedule_at', bigint)
          .addColumn('callback_url', 'text')
          .addColumn('client_ref', 'text')
          .addColumn('metadata', 'text')
          .addColumn('last_code', 'text')
          .addColumn('last_detail', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addColumn('updated_at', bigint, (c) => c.notNull())
          .addColumn('sent_at', bigint)
          .addColumn('final_at', bigint)
          .execute();
        await db.schema
          .createIndex('messages_account_id')
          .on('messages')
          .columns(['account_id', 'id'])
          .execute();
        await db.schema
          .createIndex('messages_status_due')
          .on('messages')
          .columns(['status', 'next_attempt_at'])
          .execute();
        await db.schema
          .createIndex('messages_account_client_ref')
          .on('messages')
          .columns(['account_id', 'client_ref'])
          .execute();
        await db.schema
          .createIndex('messages_account_to')
          .on('messages')
          .columns(['account_id', 'to_number'])
          .execute();

        await db.schema
          .createTable('message_history')
          .addColumn('id', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('at', bigint, (c) => c.notNull())
          .addColumn('code', 'text')
          .addColumn('detail', 'text')
          .execute();
        await db.schema
          .createIndex('message_history_message')
          .on('message_history')
          .column('message_id')
          .execute();

        await db.schema
          .createTable('message_parts')
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('part_index', 'integer', (c) => c.notNull())
          .addColumn('connector', 'text', (c) => c.notNull())
          .addColumn('upstream_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('code', 'text')
          .addColumn('updated_at', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('message_parts_pk', ['message_id', 'part_index'])
          .execute();
        await db.schema
          .createIndex('message_parts_upstream')
          .on('message_parts')
          .columns(['connector', 'upstream_id'])
          .execute();

        await db.schema
          .createTable('unmatched_receipts')
          .addColumn('id', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('connector', 'text', (c) => c.notNull())
          .addColumn('upstream_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('code', 'text')
          .addColumn('detail', 'text')
          .addColumn('received_at', bigint, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('idempotency_keys')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('status_code', 'integer', (c) => c.notNull())
          .addColumn('response', 'text', (c) => c.notNull())
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
          .execute();
        await db.schema
          .createIndex('idempotency_keys_created')
          .on('idempotency_keys')
          .column('created_at')
          .execute();
      },
    },
    '0002_tenants_audit': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('tenants')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('partner_account_id', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('tenants_partner').on('tenants').column('partner_account_id').execute();
        await db.schema.createIndex('accounts_tenant').on('accounts').column('tenant_id').execute();
        await db.schema
          .createTable('audit_log')
          .addColumn('id', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', bigint, (c) => c.notNull())
          .addColumn('actor_account_id', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target_type', 'text', (c) => c.notNull())
          .addColumn('target_id', 'text', (c) => c.notNull())
          .addColumn('tenant_id', 'text')
          .addColumn('detail', 'text')
          .execute();
        await db.schema
          .createIndex('audit_log_tenant')
          .on('audit_log')
          .columns(['tenant_id', 'id'])
          .execute();
      },
    },
    '0003_account_limits': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('accounts').addColumn('rate_per_second', 'real').execute();
        await db.schema.alterTable('accounts').addColumn('rate_burst', 'integer').execute();
        await db.schema.alterTable('accounts').addColumn('monthly_segment_quota', 'integer').execute();
        await db.schema.alterTable('accounts').addColumn('allowed_senders', 'text').execute();
        await db.schema
          .createTable('account_usage')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('period', 'text', (c) => c.notNull())
          .addColumn('segments', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('account_usage_pk', ['account_id', 'period'])
          .execute();
      },
    },
    '0004_dialect_credentials': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('credentials')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('identifier', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addColumn('revoked_at', bigint)
          .execute();
        await db.schema
          .createIndex('credentials_lookup')
          .on('credentials')
          .columns(['kind', 'identifier', 'environment'])
          .execute();
        await db.schema.createIndex('credentials_account').on('credentials').column('account_id').execute();
      },
    },
    '0005_prepaid_balance': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('accounts').addColumn('balance_micros', bigint).execute();
        await db.schema
          .createTable('prices')
          .addColumn('prefix', 'text', (c) => c.primaryKey())
          .addColumn('price_micros', bigint, (c) => c.notNull())
          .execute();
      },
    },
    '0006_events_inbound_opt_outs': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('accounts').addColumn('status_webhook_url', 'text').execute();
        await db.schema.alterTable('accounts').addColumn('inbound_webhook_url', 'text').execute();
        await db.schema.alterTable('accounts').addColumn('webhook_secret', 'text').execute();
        await db.schema.alterTable('accounts').addColumn('opt_out_keywords', 'text').execute();
        // Accounts made before webhooks existed get their signing secret now, one each.
        const accounts = await (db as Kysely<{ accounts: { id: string; webhook_secret: string | null } }>)
          .selectFrom('accounts')
          .select('id')
          .execute();
        for (const account of accounts) {
          await (db as Kysely<{ accounts: { id: string; webhook_secret: string | null } }>)
            .updateTable('accounts')
            .set({ webhook_secret: newWebhookSecret() })
            .where('id', '=', account.id)
            .execute();
        }
        await db.schema.alterTable('messages').addColumn('callback_format', 'text').execute();
        await db.schema.alterTable('messages').addColumn('reply_required', 'integer').execute();
        await db.schema.alterTable('messages').addColumn('replied_at', bigint).execute();
        // Reply correlation: the latest message to a number.
        await db.schema
          .createIndex('messages_to_created')
          .on('messages')
          .columns(['to_number', 'created_at'])
          .execute();

        await db.schema
          .createTable('events')
          .addColumn('seq', serial, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text')
          .addColumn('inbound_id', 'text')
          .addColumn('order_key', 'text', (c) => c.notNull())
          .addColumn('status', 'text')
          .addColumn('code', 'text')
          .addColumn('detail', 'text')
          .addColumn('at', bigint, (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('format', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', bigint, (c) => c.notNull())
          .addColumn('pending_since', bigint, (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addColumn('delivered_at', bigint)
          .addColumn('created_at', bigint, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_state').on('events').columns(['state', 'seq']).execute();
        await db.schema.createIndex('events_message').on('events').column('message_id').execute();
        await db.schema
          .createIndex('events_account_created')
          .on('events')
          .columns(['account_id', 'created_at'])
          .execute();

        await db.schema
          .createTable('inbound_messages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text')
          .addColumn('connector', 'text', (c) => c.notNull())
          .addColumn('from_number', 'text', (c) => c.notNull())
          .addColumn('to_number', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text')
          .addColumn('keyword', 'text')
          .addColumn('received_at', bigint, (c) => c.notNull())
          .addColumn('upstream_id', 'text')
          .execute();
        // A provider that sends an inbound message twice (they retry) stores it once.
        await db.schema
          .createIndex('inbound_upstream')
          .on('inbound_messages')
          .columns(['connector', 'upstream_id'])
          .unique()
          .execute();
        await db.schema
          .createIndex('inbound_account_received')
          .on('inbound_messages')
          .columns(['account_id', 'received_at'])
          .execute();
        await db.schema.createIndex('inbound_message').on('inbound_messages').column('message_id').execute();

        // Parts of concatenated inbound messages, kept until the last one arrives (durably, so a part
        // the upstream was told we have is never lost to a restart).
        await db.schema
          .createTable('inbound_parts')
          .addColumn('part_key', 'text', (c) => c.notNull())
          .addColumn('seqnum', 'integer', (c) => c.notNull())
          .addColumn('total', 'integer', (c) => c.notNull())
          .addColumn('connector', 'text', (c) => c.notNull())
          .addColumn('from_number', 'text', (c) => c.notNull())
          .addColumn('to_number', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('received_at', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('inbound_parts_pk', ['part_key', 'seqnum'])
          .execute();
        await db.schema
          .createTable('opt_outs')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('number', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('inbound_id', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('opt_outs_pk', ['account_id', 'number'])
          .execute();
      },
    },
    '0007_routes': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('routes')
          .addColumn('position', 'integer', (c) => c.primaryKey())
          .addColumn('definition', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0008_live_credentials_unique': {
      async up(db: Kysely<unknown>) {
        // Until now uniqueness was checked before the insert, so a race could leave two live
        // credentials under one identifier; the oldest keeps it, the later ones are revoked.
        await sql`
          update credentials set revoked_at = ${Date.now()}
          where revoked_at is null and exists (
            select 1 from credentials older
            where older.kind = credentials.kind and older.identifier = credentials.identifier
              and older.environment = credentials.environment and older.revoked_at is null
              and (older.created_at < credentials.created_at
                or (older.created_at = credentials.created_at and older.id < credentials.id)))
        `.execute(db);
        // Logins look a credential up by kind, identifier and environment: one live row each.
        await db.schema
          .createIndex('credentials_live_unique')
          .on('credentials')
          .columns(['kind', 'identifier', 'environment'])
          .unique()
          .where(sql.ref('revoked_at'), 'is', null)
          .execute();
      },
    },
    '0009_admin_limits': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('accounts').addColumn('admin_limits', 'text').execute();
        // Who set a limit before now is not recorded, so every existing limit counts as an admin's:
        // a partner cannot loosen it until an admin lifts it (the safe way round).
        type Row = {
          id: string;
          rate_per_second: number | null;
          rate_burst: number | null;
          monthly_segment_quota: number | null;
          allowed_senders: string | null;
          balance_micros: number | null;
          admin_limits: string | null;
        };
        const accounts = db as Kysely<{ accounts: Row }>;
        const rows = await accounts
          .selectFrom('accounts')
          .select([
            'id',
            'rate_per_second',
            'rate_burst',
            'monthly_segment_quota',
            'allowed_senders',
            'balance_micros',
          ])
          .execute();
        for (const row of rows) {
          const ceilings = {
            ...(row.rate_per_second !== null ? { ratePerSecond: row.rate_per_second } : {}),
            ...(row.rate_burst !== null ? { burst: row.rate_burst } : {}),
            ...(row.monthly_segment_quota !== null ? { monthlySegmentQuota: row.monthly_segment_quota } : {}),
            ...(row.allowed_senders !== null
              ? { allowedSenders: JSON.parse(row.allowed_senders) as unknown }
              : {}),
            ...(row.balance_micros !== null ? { prepaid: true } : {}),
          };
          if (Object.keys(ceilings).length === 0) continue;
          await accounts
            .updateTable('accounts')
            .set({ admin_limits: JSON.stringify(ceilings) })
            .where('id', '=', row.id)
            .execute();
        }
      },
    },
    '0010_audit_account': {
      async up(db: Kysely<unknown>) {
        // The account an entry is about (an account itself, or the owner of a key or credential), so
        // the audit log can show each reader only entries about accounts it may see.
        await db.schema.alterTable('audit_log').addColumn('account_id', 'text').execute();
        await sql`update audit_log set account_id = target_id where target_type = 'account'`.execute(db);
        await sql`
          update audit_log set account_id =
            (select account_id from api_keys where api_keys.id = audit_log.target_id)
          where target_type = 'api_key'
        `.execute(db);
        await sql`
          update audit_log set account_id =
            (select account_id from credentials where credentials.id = audit_log.target_id)
          where target_type = 'credential'
        `.execute(db);
        await db.schema
          .createIndex('audit_log_account')
          .on('audit_log')
          .columns(['account_id', 'id'])
          .execute();
      },
    },
    '0011_events_account_pending': {
      async up(db: Kysely<unknown>) {
        // The webhook deliverer reads each account's pending events back on its own (fairness).
        await db.schema
          .createIndex('events_account_state')
          .on('events')
          .columns(['account_id', 'state', 'seq'])
          .execute();
      },
    },
    '0012_sender_numbers': {
      async up(db: Kysely<unknown>) {
        // Owned sender numbers: replies to them belong to their owner, whoever else wrote from them.
        await db.schema
          .createTable('sender_numbers')
          .addColumn('number', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('created_at', bigint, (c) => c.notNull())
          .execute();
        // Reply correlation looks for the conversation per recipient and connector.
        await db.schema
          .createIndex('messages_to_connector_created')
          .on('messages')
          .columns(['to_number', 'connector', 'created_at'])
          .execute();
      },
    },
    '0013_message_requests': {
      async up(db: Kysely<unknown>) {
        // A request to many recipients stores its callback URL and metadata once, not per message.
        await db.schema
          .createTable('message_requests')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('callback_url', 'text')
          .addColumn('callback_format', 'text')
          .addColumn('metadata', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .execute();
        await db.schema.alterTable('messages').addColumn('request_id', 'text').execute();
      },
    },
    '0014_message_refs': {
      async up(db: Kysely<unknown>) {
        // What a dialect's caller knows its messages by, searchable per account.
        await db.schema
          .createTable('message_refs')
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('message_refs_pk', ['message_id', 'name'])
          .execute();
        await db.schema
          .createIndex('message_refs_lookup')
          .on('message_refs')
          .columns(['account_id', 'name', 'value'])
          .execute();
      },
    },
    '0015_accolades_default_region': {
      async up(db: Kysely<unknown>) {
        // Seed 003's callers send national numbers ("0721 000 000"): the region they are read in
        // travels with the account password that identifies the application.
        await db.schema.alterTable('credentials').addColumn('default_region', 'text').execute();
      },
    },
    '0016_campaigns': {
      async up(db: Kysely<unknown>) {
        // Seed 004: campaigns by the account's own ids, and the interactions their tokens name.
        await db.schema
          .createTable('campaigns')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('sender', 'text')
          .addColumn('connector', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addColumn('updated_at', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('campaigns_pk', ['account_id', 'id'])
          .execute();
        await db.schema
          .createTable('interactions')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('campaign_id', 'text', (c) => c.notNull())
          .addColumn('caller_id', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .addColumn('expires_at', bigint, (c) => c.notNull())
          .addColumn('sms_sent', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('sms_sent_at', bigint)
          .addColumn('message_id', 'text')
          .execute();
        // The report reads an account's interactions by day.
        await db.schema
          .createIndex('interactions_account_created')
          .on('interactions')
          .columns(['account_id', 'created_at'])
          .execute();
      },
    },
    '0018_smpp_server_parts': {
      async up(db: Kysely<unknown>) {
        // The parts of long messages SMPP clients submit in pieces (UDH or SAR), stored before each
        // part is answered so a restart between parts loses none; the message id every part was
        // answered with is fixed by the first part and travels with each row.
        await db.schema
          .createTable('smpp_submit_parts')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('part_key', 'text', (c) => c.notNull())
          .addColumn('seqnum', 'integer', (c) => c.notNull())
          .addColumn('total', 'integer', (c) => c.notNull())
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('send', 'text', (c) => c.notNull())
          .addColumn('received_at', bigint, (c) => c.notNull())
          .addPrimaryKeyConstraint('smpp_submit_parts_pk', ['account_id', 'part_key', 'seqnum'])
          .execute();
        await db.schema
          .createIndex('smpp_submit_parts_received')
          .on('smpp_submit_parts')
          .column('received_at')
          .execute();
      },
    },
    '0019_leases': {
      async up(db: Kysely<unknown>) {
        // Several gateways on one database: a message is worked on by the node holding its lease,
        // taken over by another when the lease runs out (docs/deployment.md).
        await db.schema.alterTable('messages').addColumn('lease_owner', 'text').execute();
        await db.schema.alterTable('messages').addColumn('lease_until', bigint).execute();
        await db.schema.createIndex('messages_lease_owner').on('messages').columns(['lease_owner']).execute();
        // Webhook and inbound events: delivered by the node holding them; per-message order is
        // checked against the earlier events of the same order key.
        await db.schema.alterTable('events').addColumn('lease_owner', 'text').execute();
        await db.schema.alterTable('events').addColumn('lease_until', bigint).execute();
        await db.schema.createIndex('events_order_key').on('events').columns(['order_key', 'seq']).execute();
        // Named leases (a connector's binds, cluster-wide).
        await db.schema
          .createTable('leases')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('until', bigint, (c) => c.notNull())
          .execute();
      },
    },
    '0020_foreign_dialects': {
      async up(db: Kysely<unknown>) {
        // Twilio signs its callbacks with the auth token itself (HMAC-SHA1), so a `twilio`
        // credential keeps its token where the deliverer can sign with it, as an account keeps its
        // webhook secret; every other kind has only the scrypt hash (null here).
        await db.schema.alterTable('credentials').addColumn('signing_secret', 'text').execute();
        // The payload format of an account's inbound webhook (`twilio:<credential id>` for Twilio's
        // inbound form); null: smsgate's own JSON.
        await db.schema.alterTable('accounts').addColumn('inbound_webhook_format', 'text').execute();
      },
    },
    '0021_jasmin_batches': {
      async up(db: Kysely<unknown>) {
        // A Jasmin REST batch's callback_url and errback_url, stored once per batch; its messages
        // name it by their `jasminBatch` ref, so the status writer finds the URLs by index probes.
        await db.schema
          .createTable('jasmin_batches')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('callback_url', 'text')
          .addColumn('errback_url', 'text')
          .addColumn('created_at', bigint, (c) => c.notNull())
          .execute();
      },
    },
    '0022_binary_messages': {
      async up(db: Kysely<unknown>) {
        // Binary messages keep their user data as hex in `body`; whether it starts with a UDH
        // (esm_class UDHI) cannot be told from the bytes, so it is stored.
        await db.schema.alterTable('messages').addColumn('udhi', 'integer').execute();
      },
    },
  };
  return { getMigrations: async () => migrations };
}
