import type { FastifyInstance } from 'fastify';
import { AccountLimits } from './accounts/account-limits.js';
import { AuthFailureLimiter } from './accounts/auth-failure-limiter.js';
import { Authenticator } from './accounts/authenticator.js';
import { bootstrapAdmin } from './accounts/bootstrap-admin.js';
import { OptOutRegistry } from './accounts/opt-out-registry.js';
import { PriceList } from './accounts/price-list.js';
import { SenderNumbers } from './accounts/sender-numbers.js';
import { buildHttpServer } from './api/http-server.js';
import { effectiveConnectors } from './config/default-connectors.js';
import type { Config } from './config/schema.js';
import type { Connector, ConnectorSink } from './connectors/connector.js';
import { createConnector } from './connectors/create-connector.js';
import { createLogger, type Logger } from './core/logger.js';
import { InboundService } from './inbound/inbound-service.js';
import { AcceptService } from './messages/accept-service.js';
import { MessageService } from './messages/message-service.js';
import { SendPreparer } from './messages/send-preparer.js';
import { VerdictWaiters } from './messages/verdicts.js';
import { Dispatcher } from './queue/dispatcher.js';
import { ReceiptTracker } from './queue/receipt-tracker.js';
import { StatusWriter } from './queue/status-writer.js';
import { routeSchema } from './routing/route-schema.js';
import { Router } from './routing/router.js';
import { migrateToLatest, openStore, type Store } from './store/open-store.js';
import { purgeIdempotencyKeys } from './store/queries/idempotency.js';
import { loadSavedRoutes } from './store/queries/routes.js';
import { WebhookDeliverer } from './webhooks/webhook-deliverer.js';
import { WebhookClient } from './webhooks/webhook-request.js';

const HOUSEKEEPING_INTERVAL_MS = 3_600_000;

/**
 * Puts a route table saved through the admin API in place of the config file's. One that no longer
 * fits the connectors (one was removed from the config) is reported and the config's table used.
 */
async function applySavedRoutes(store: Store, router: Router, logger: Logger): Promise<'config' | 'api'> {
  const saved = await loadSavedRoutes(store);
  if (saved === undefined) return 'config';
  try {
    router.replace(saved.map((route) => routeSchema.parse(route)));
    return 'api';
  } catch (error) {
    logger.error(
      { err: error },
      "the route table saved through the API does not fit the configured connectors; using the config file's routes until it is replaced (PUT /v1/routes) or removed (DELETE /v1/routes)",
    );
    return 'config';
  }
}
const PARTS_RELEASE_INTERVAL_MS = 60_000;

export interface GatewayOptions {
  config: Config;
  logger?: Logger;
  /** Bootstrap admin key for an empty database (SMSGATE_ADMIN_KEY). */
  adminKey?: string | undefined;
  /** An already open store (tests pass one per PostgreSQL schema). */
  store?: Store;
  /** Receipt matching: how long an early receipt waits for its submission (tests shorten it). */
  earlyReceiptWaitMs?: number;
}

/**
 * One running smsgate: the store, the accept path, the dispatcher with its connectors, and the HTTP
 * server, wired together. `create` opens and migrates; `start` recovers and listens; `stop` drains.
 */
export class Gateway {
  readonly http: FastifyInstance;
  /** The bootstrap admin key if one was generated on this start (print it once). */
  readonly generatedAdminKey: string | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private partsRelease: NodeJS.Timeout | undefined;
  /** Where the route table in use came from: the config file, or saved through the admin API. */
  routesSource: 'config' | 'api';
  /** Refuses addresses that keep failing authentication (shared by every API dialect). */
  readonly authFailures: AuthFailureLimiter;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly store: Store,
    readonly connectors: ReadonlyMap<string, Connector>,
    readonly dispatcher: Dispatcher,
    readonly writer: StatusWriter,
    readonly tracker: ReceiptTracker,
    /** Send, wait for verdicts, cancel, read: what every API dialect calls. */
    readonly messages: MessageService,
    readonly auth: Authenticator,
    readonly limits: AccountLimits,
    readonly prices: PriceList,
    readonly webhooks: WebhookDeliverer,
    readonly webhookClient: WebhookClient,
    readonly inbound: InboundService,
    readonly optOuts: OptOutRegistry,
    readonly senderNumbers: SenderNumbers,
    readonly router: Router,
    routesSource: 'config' | 'api',
    generatedAdminKey: string | undefined,
  ) {
    this.routesSource = routesSource;
    this.generatedAdminKey = generatedAdminKey;
    this.authFailures = new AuthFailureLimiter(config.maxFailedAuthPerMinute);
    this.http = buildHttpServer(this);
  }

  static async create(options: GatewayOptions): Promise<Gateway> {
    const { config } = options;
    const logger = options.logger ?? createLogger(config.logLevel);
    const store =
      options.store ??
      (await openStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        sqliteSynchronous: config.sqlite.synchronous,
      }));
    try {
      const applied = await migrateToLatest(store);
      if (applied.length > 0)
        logger.info({ migrations: applied, store: store.location }, 'database migrated');

      const writer = new StatusWriter(store);
      const webhookClient = new WebhookClient(
        { allowPrivateAddresses: config.webhooks.allowPrivateAddresses },
        { maxSocketsPerOrigin: config.webhooks.concurrencyPerDestination },
      );
      const webhooks = new WebhookDeliverer(store, webhookClient, config.webhooks, logger);
      writer.onEvents = (events) => webhooks.enqueue(events);
      const optOuts = new OptOutRegistry();
      await optOuts.load(store);
      const senderNumbers = new SenderNumbers();
      await senderNumbers.load(store);
      const inbound = new InboundService(store, webhooks, optOuts, senderNumbers, config, logger);
      const tracker = new ReceiptTracker(store, writer, { earlyReceiptWaitMs: options.earlyReceiptWaitMs });
      let dispatcher: Dispatcher | undefined;
      const sink: ConnectorSink = {
        receipt: (receipt) => tracker.handle(receipt),
        inbound: async (message) => {
          await inbound.receive(message);
        },
        capacityAvailable: () => dispatcher?.capacityAvailable(),
      };
      const connectorConfigs = effectiveConnectors(config);
      const connectors = new Map<string, Connector>();
      for (const connectorConfig of connectorConfigs) {
        if (connectors.has(connectorConfig.name))
          throw new Error(`two connectors are named "${connectorConfig.name}"`);
        connectors.set(connectorConfig.name, createConnector(connectorConfig, sink));
        if ('unauthenticatedCallbacks' in connectorConfig && connectorConfig.unauthenticatedCallbacks) {
          logger.warn(
            { connector: connectorConfig.name },
            'this connector accepts provider callbacks WITHOUT any credential (unauthenticatedCallbacks: true): anyone who finds /callbacks/<name> can post delivery reports and inbound messages, STOP included; set callbackToken or callbackSignature',
          );
        }
      }
      const router = new Router(
        config.routes,
        [...connectors.keys()],
        (name) => {
          const state = connectors.get(name)?.status().state;
          return state !== 'down' && state !== 'stopped';
        },
        Math.random,
        (name) => connectors.get(name)?.type,
      );
      const routesSource = await applySavedRoutes(store, router, logger);
      dispatcher = new Dispatcher({
        store,
        writer,
        tracker,
        connectors,
        defaultConnector: connectorConfigs[0]!.name,
        queue: config.queue,
        logger,
        routing: router,
        refuse: (item) =>
          optOuts.isOptedOut(item.accountId, item.to)
            ? { code: 'opted_out', detail: 'the recipient opted out after the message was accepted' }
            : null,
      });
      const limits = new AccountLimits(store);
      const prices = new PriceList(store);
      const preparer = new SendPreparer(router, optOuts, config);
      const accept = new AcceptService(store, dispatcher, config, logger, limits, prices, senderNumbers);
      const waiters = new VerdictWaiters();
      writer.onCommitted = (changes) => waiters.committed(changes);
      const messages = new MessageService(store, preparer, accept, dispatcher, webhooks, waiters, config);
      // Only once the configuration has proved itself: a start that fails on a config mistake must
      // not create the admin account whose generated key nobody saw.
      const bootstrap = await bootstrapAdmin(store, options.adminKey);
      const auth = new Authenticator(store);
      return new Gateway(
        config,
        logger,
        store,
        connectors,
        dispatcher,
        writer,
        tracker,
        messages,
        auth,
        limits,
        prices,
        webhooks,
        webhookClient,
        inbound,
        optOuts,
        senderNumbers,
        router,
        routesSource,
        bootstrap?.generatedKey,
      );
    } catch (error) {
      if (!options.store) await store.close();
      throw error;
    }
  }

  /** Starts connectors, recovers unfinished messages, and (unless `listen` is false) opens the HTTP port. */
  async start(listen = true): Promise<void> {
    await this.webhooks.start();
    for (const connector of this.connectors.values()) await connector.start();
    await this.dispatcher.start();
    this.housekeeping = setInterval(() => void this.purgeExpiredKeys(), HOUSEKEEPING_INTERVAL_MS);
    this.housekeeping.unref();
    this.partsRelease = setInterval(() => void this.releaseStaleInboundParts(), PARTS_RELEASE_INTERVAL_MS);
    this.partsRelease.unref();
    await this.releaseStaleInboundParts();
    await this.purgeExpiredKeys();
    if (listen) await this.http.listen({ host: this.config.host, port: this.config.port });
  }

  /** The address the HTTP server listens on (after `start`). */
  get url(): string {
    const address = this.http.server.address();
    if (address && typeof address === 'object') {
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    }
    return `http://${this.config.host}:${this.config.port}`;
  }

  /** Stores the concatenated inbound messages whose missing parts stopped coming. */
  private async releaseStaleInboundParts(): Promise<void> {
    try {
      await this.inbound.releaseStaleParts();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not release incomplete inbound messages');
    }
  }

  /** Deletes idempotency keys past their time to live. */
  private async purgeExpiredKeys(): Promise<void> {
    try {
      await purgeIdempotencyKeys(this.store, Date.now() - this.config.idempotencyTtlSeconds * 1000);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not purge expired idempotency keys');
    }
  }

  /** Stops taking requests, drains in-flight submissions and status writes, closes the store. */
  async stop(closeStore = true): Promise<void> {
    if (this.housekeeping) clearInterval(this.housekeeping);
    if (this.partsRelease) clearInterval(this.partsRelease);
    await this.http.close();
    await this.dispatcher.stop();
    await this.tracker.stop();
    for (const connector of this.connectors.values()) await connector.stop();
    await this.writer.idle();
    await this.webhooks.stop();
    this.webhookClient.close();
    if (closeStore) await this.store.close();
  }
}
