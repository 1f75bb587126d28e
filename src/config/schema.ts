import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULT_OPT_OUT_KEYWORDS, optOutKeywordsSchema } from '../accounts/opt-out-keywords.js';
import { clickatellConnectorSchema } from '../connectors/clickatell/clickatell-config.js';
import { dialectGroupField } from '../connectors/dialect-group.js';
import { grandcomConnectorSchema } from '../connectors/grandcom/grandcom-config.js';
import { httpConnectorSchema } from '../connectors/http/http-connector-config.js';
import { smppConnectorSchema } from '../connectors/smpp/smpp-connector-config.js';
import { parseSender } from '../core/phone-numbers.js';
import { routeSchema } from '../routing/route-schema.js';

/** Whether a configured sender is one a campaign could send from (a possible number will do). */
function isSenderId(value: string): boolean {
  try {
    parseSender(value, 'masterSender', undefined, 'possible');
    return true;
  } catch {
    return false;
  }
}

/** A destination-matching rule of the built-in simulator and what happens to matching messages. */
const simRuleSchema = z
  .object({
    /** Destination (E.164) ends with this string. */
    suffix: z.string().min(1).optional(),
    /** Destination (E.164) starts with this string. */
    prefix: z.string().min(1).optional(),
    outcome: z.enum(['delivered', 'undelivered', 'expired', 'rejected', 'throttled', 'silent']),
    /** For `throttled`: how many submits fail (retryable) before one succeeds. */
    times: z.number().int().min(1).optional(),
  })
  .strict();

export const DEFAULT_SIM_RULES: z.infer<typeof simRuleSchema>[] = [
  { suffix: '0000', outcome: 'undelivered' },
  { suffix: '0001', outcome: 'rejected' },
  { suffix: '0002', outcome: 'expired' },
  { suffix: '0003', outcome: 'throttled', times: 2 },
];

const simConnectorSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
    type: z.literal('sim'),
    /** Delay between an accepted submit and its delivery receipt. */
    receiptDelayMs: z.number().int().min(0).max(3_600_000).default(50),
    /** Maximum submissions in flight at once (the connector's window). */
    window: z.number().int().min(1).max(100_000).default(1000),
    rules: z.array(simRuleSchema).default(DEFAULT_SIM_RULES),
    /** The group seed 000's SmsMsgResponse reports this connector's messages under. */
    ...dialectGroupField,
  })
  .strict();

export const connectorSchema = z.discriminatedUnion('type', [
  simConnectorSchema,
  smppConnectorSchema,
  clickatellConnectorSchema,
  grandcomConnectorSchema,
  httpConnectorSchema,
]);

export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Port of the gateway's own SMPP server; 0 disables it. */
    smppPort: z.number().int().min(0).max(65535).default(2775),
    dataDir: z.string().min(1).default('./data'),
    /** The gateway's own SMPP server (docs/smpp-server.md); `smppPort` is its plain-TCP port. */
    smppServer: z
      .object({
        /** A second listener speaking SMPP over TLS; 0 (the default) opens none. Needs tlsCertFile and tlsKeyFile. */
        tlsPort: z.number().int().min(0).max(65535).default(0),
        /** PEM certificate chain of the TLS listener. */
        tlsCertFile: z.string().min(1).optional(),
        /** PEM private key of the TLS listener. */
        tlsKeyFile: z.string().min(1).optional(),
        /** The system_id the server names itself with in bind responses. */
        systemId: z.string().min(1).max(15).default('smsgate'),
        /** Binds one account may hold at once; a bind past it gets ESME_RBINDFAIL. */
        maxBindsPerAccount: z.number().int().min(1).max(1000).default(10),
        /**
         * Requests one bind may have unanswered at once (its submits waiting for their commit);
         * past it a request gets ESME_RTHROTTLED. Clients usually keep 10–100 in flight.
         */
        receiveWindow: z.number().int().min(1).max(10_000).default(100),
        /** deliver_sm (receipts, inbound messages) one bind may have unanswered at once. */
        sendWindow: z.number().int().min(1).max(1000).default(10),
        /** enquire_link after this much silence on a bind; a peer that does not answer is dropped. */
        enquireLinkSeconds: z.number().int().min(0).max(3600).default(30),
        /** How long a deliver_sm waits for its deliver_sm_resp. */
        responseTimeoutSeconds: z.number().int().min(1).max(300).default(10),
        /** How long the parts of a long message submitted in parts wait for the rest before they are dropped. */
        partsMaxWaitSeconds: z.number().int().min(1).max(86_400).default(600),
      })
      .strict()
      .refine((s) => s.tlsPort === 0 || (s.tlsCertFile !== undefined && s.tlsKeyFile !== undefined), {
        message: 'a TLS port needs tlsCertFile and tlsKeyFile',
        path: ['tlsPort'],
      })
      .prefault({}),
    /** `postgres://…` switches to PostgreSQL; otherwise SQLite in `dataDir/smsgate.db`. */
    databaseUrl: z.string().min(1).optional(),
    /** ISO 3166 region used to read national numbers (e.g. `GB`); without it numbers must be E.164. */
    defaultRegion: z.string().length(2).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Log message bodies and phone numbers (off by default: they are personal data). */
    logMessageContent: z.boolean().default(false),
    /** `GET /metrics` (Prometheus). */
    metrics: z
      .object({
        /** When set, scrapers must send `Authorization: Bearer <token>`; unset: open (bind to a private address). */
        token: z.string().min(16, 'must be at least 16 characters').optional(),
      })
      .strict()
      .prefault({}),
    /** Largest request body accepted, in bytes. */
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Time limits of the HTTP listener, so slow or silent clients cannot hold connections open. */
    http: z
      .object({
        /** A whole request (headers and body) must arrive within this, or 408 and the connection is closed. */
        requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
        /** A request's headers must arrive within this (from connect, or from the previous request's end). */
        headersTimeoutMs: z.number().int().min(100).max(3_600_000).default(10_000),
        /** A connection with no traffic either way for this long during a request is closed. */
        connectionTimeoutMs: z.number().int().min(100).max(3_600_000).default(120_000),
      })
      .strict()
      .refine((http) => http.headersTimeoutMs <= http.requestTimeoutMs, {
        message: 'headersTimeoutMs must not be longer than requestTimeoutMs',
        path: ['headersTimeoutMs'],
      })
      .prefault({}),
    /** Most recipients in one request. */
    maxRecipientsPerRequest: z.number().int().min(1).max(100_000).default(1000),
    /** Longest text accepted, in characters. */
    maxTextLength: z.number().int().min(1).max(100_000).default(1600),
    sqlite: z
      .object({
        /** `full` survives power loss; `normal` survives a crash of the process only. */
        synchronous: z.enum(['full', 'normal']).default('full'),
        /**
         * SQLite's page cache, in MiB, part of the process's own memory. 16: a million queued
         * messages then keep the gateway under 300 MB resident (docs/performance.md).
         */
        cacheMiB: z.number().int().min(1).max(65_536).default(16),
        /**
         * How much of the database file SQLite maps into memory, in MiB; 0 reads through the
         * operating system's page cache instead. Mapped pages count in the resident set, and
         * measured no faster on the bench's workload, so none by default.
         */
        mmapMiB: z.number().int().min(0).max(1_048_576).default(0),
        /**
         * Write on a thread of its own (one writing connection; reads stay on the main thread).
         * A quarter more single sends with callbacks, but about 60 MiB more resident, past the
         * 300 MB a million queued messages must stay under (docs/performance.md): off by default.
         */
        writerThread: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    queue: z
      .object({
        /** Non-final, not-yet-sent messages allowed in the store; past it accepts get 503. */
        maxQueued: z.number().int().min(1).default(1_000_000),
        /** Messages kept ready in memory; the rest wait on disk and are read back as the queue drains. */
        maxInMemory: z.number().int().min(100).default(50_000),
        /** Submission attempts before a message is `failed`. */
        maxAttempts: z.number().int().min(1).max(100).default(8),
        retryBaseMs: z.number().int().min(1).default(2_000),
        retryMaxMs: z.number().int().min(1).default(600_000),
        /** Validity when a message names none; past it an unsent message is `expired`. */
        defaultValiditySeconds: z
          .number()
          .int()
          .min(1)
          .default(48 * 3600),
        /** Accepted requests committed together in one transaction at most. */
        maxBatch: z.number().int().min(1).max(10_000).default(2_000),
      })
      .strict()
      .prefault({}),
    cluster: z
      .object({
        /**
         * This node's name among gateways sharing one PostgreSQL (what it writes as the owner of the
         * messages it works on). Default: host name and HTTP port, so a restarted node takes its own
         * work back at once. Give each node its own.
         */
        nodeId: z.string().min(1).max(100).optional(),
        /** How long a node's claim on a message lasts unless renewed: another takes over after it. */
        leaseSeconds: z.number().int().min(2).max(3600).default(30),
      })
      .strict()
      .prefault({}),
    messages: z
      .object({
        /**
         * How long a dialect that answers with the upstream's verdict (ServiceStack's `/immediate`,
         * seed 000) waits for it; messages still on their way then are reported as accepted.
         */
        verdictWaitMs: z.number().int().min(0).max(120_000).default(10_000),
      })
      .strict()
      .prefault({}),
    idempotencyTtlSeconds: z
      .number()
      .int()
      .min(60)
      .default(24 * 3600),
    /**
     * Failed authentications one credential may make from one address per minute before it gets
     * 429 (an address trying many credentials: 10 times this); 0 = no limit.
     */
    maxFailedAuthPerMinute: z.number().int().min(0).default(10),
    /**
     * Addresses (or CIDR ranges) of reverse proxies in front of the gateway: for requests from them
     * the client's address is read from `X-Forwarded-For`. Empty: the peer's address is the client's.
     */
    trustProxy: z
      .array(
        z.string().refine((value) => isAddressOrRange(value), 'an IP address or a CIDR range (10.0.0.0/8)'),
      )
      .default([]),
    webhooks: z
      .object({
        /** Whole-exchange timeout of one delivery attempt. */
        timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        /** First retry of an event its receiver refuses (4xx); doubles per attempt (with jitter) up to `retryMaxMs`. */
        retryBaseMs: z.number().int().min(1).default(5_000),
        retryMaxMs: z.number().int().min(1).default(3_600_000),
        /**
         * First probe of a receiver that is down (no answer, 5xx, 429); doubles per failed probe
         * (with jitter) up to `destinationRetryMaxMs`. Its events wait, in order, for a probe to succeed.
         */
        destinationRetryBaseMs: z.number().int().min(1).default(1_000),
        destinationRetryMaxMs: z.number().int().min(1).default(30_000),
        /** How long an event is retried before it is dead-lettered. */
        retryForSeconds: z
          .number()
          .int()
          .min(1)
          .default(24 * 3600),
        /** Deliveries in flight to one origin (scheme, host, port) at once. */
        concurrencyPerDestination: z.number().int().min(1).max(1000).default(8),
        /** Allow loopback, private (RFC 1918, fc00::/7) and CGNAT addresses; metadata and link-local never. */
        allowPrivateAddresses: z.boolean().default(false),
        /** Undelivered events kept in memory; the rest wait on disk. */
        maxInMemory: z.number().int().min(10).default(100_000),
        /**
         * Undelivered events of one account kept in memory (at most its fair share of
         * `maxInMemory` when several accounts have events), so one account's backlog never keeps
         * another's events on disk.
         */
        maxInMemoryPerAccount: z.number().int().min(10).default(10_000),
      })
      .strict()
      .prefault({}),
    inbound: z
      .object({
        /** How far back an inbound message looks for the outbound message it answers. */
        correlationWindowSeconds: z
          .number()
          .int()
          .min(1)
          .default(7 * 24 * 3600),
        /** How long the parts of a concatenated inbound message wait for the rest before it is stored incomplete. */
        partsMaxWaitSeconds: z.number().int().min(1).max(86_400).default(600),
      })
      .strict()
      .prefault({}),
    optOut: z
      .object({
        enabled: z.boolean().default(true),
        /** Keywords per language; an account may replace them with its own. */
        keywords: z.record(z.string().min(2).max(16), optOutKeywordsSchema).default(DEFAULT_OPT_OUT_KEYWORDS),
      })
      .strict()
      .prefault({}),
    connectors: z.array(connectorSchema).default([]),
    routes: z.array(routeSchema).default([]),
    /** Campaign SMS (seed 004, docs/dialects/interact.md). */
    campaigns: z
      .object({
        /**
         * The sender of the system ("master") account, used when a campaign SMS asks for
         * `sendFromMasterAccount`; without it such a request gets the telephony-provider 500.
         */
        masterSender: z
          .string()
          .trim()
          .min(1)
          .max(20)
          .refine(isSenderId, 'an E.164 number, a short code or an alphanumeric sender id')
          .optional(),
        /** How long an interaction token (`jpToken`) lives when `generateToken` names no expiry. */
        tokenTtlSeconds: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 3600)
          .default(3600),
      })
      .strict()
      .prefault({}),
    /** The Interact campaign API (seed 004). */
    interact: z
      .object({
        /** `moreInfoUrl` of its 401 answers; by default the gateway's own help page, `/interact/help`. */
        moreInfoUrl: z.string().min(1).max(2000).default('/interact/help'),
      })
      .strict()
      .prefault({}),
    /**
     * Dialect credentials verified recently (seed 003's account passwords), kept in memory so the
     * slow hash runs once per pair and period, not per request. Forgotten at once on this node when
     * a credential is revoked or an account disabled; other nodes sharing the database notice
     * within `ttlMs`. `ttlMs: 0` turns the cache off.
     */
    credentialCache: z
      .object({
        ttlMs: z.number().int().min(0).max(300_000).default(5_000),
        maxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
      })
      .strict()
      .prefault({}),
    /**
     * A second HTTP listener for Kannel's sendsms port (13013 in Kannel's own setup), on `host`,
     * answering `/cgi-bin/sendsms` only, so applications keep their URL's port too; 0 (the
     * default) opens none. `/cgi-bin/sendsms` is always on the main port as well.
     */
    kannelPort: z.number().int().min(0).max(65535).default(0),
  })
  .strict();

/** The configuration as written in the file / flags / environment, before defaults. */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated, defaulted configuration. */
export type Config = Readonly<z.output<typeof configSchema>>;
export type ConnectorConfig = z.output<typeof connectorSchema>;
export type SimConnectorConfig = z.output<typeof simConnectorSchema>;
export type SimRule = z.output<typeof simRuleSchema>;

function isAddressOrRange(value: string): boolean {
  return value.includes('/') ? safe(() => ipaddr.parseCIDR(value)) : ipaddr.isValid(value);
}

function safe(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}
