import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { AccountLimits } from './accounts/account-limits.js';
import { AuthFailureLimiter } from './accounts/auth-failure-limiter.js';
import { Authenticator } from './accounts/authenticator.js';
import { bootstrapAdmin } from './accounts/bootstrap-admin.js';
import { OptOutRegistry } from './accounts/opt-out-registry.js';
import { PriceList } from './accounts/price-list.js';
import { SenderNumbers } from './accounts/sender-numbers.js';
import { KannelListener } from './api/dialects/kannel/kannel-listener.js';
import { buildHttpServer } from './api/http-server.js';
import { effectiveConnectors } from './config/default-connectors.js';
import type { Config } from './config/schema.js';
import type { Connector, ConnectorSink } from './connectors/connector.js';
import { logConnectorEvent } from './connectors/connector-event-log.js';
import { createConnector } from './connectors/create-connector.js';
import { createLogger, type Logger } from './core/logger.js';
import { isSmppUrl, SMPP_URL_SCHEME, smppReceiptUrl } from './core/smpp-destination.js';
import { InboundService } from './inbound/inbound-service.js';
import { AcceptService } from './messages/accept-service.js';
import { MessageService } from './messages/message-service.js';
import { SendPreparer } from './messages/send-preparer.js';
import { VerdictWaiters } from './messages/verdicts.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { instrumentConnector, SubmitTimes } from './metrics/instrumented-connector.js';
import { registerScrapeGauges } from './metrics/scrape-gauges.js';
import { BindLeases } from './queue/bind-leases.js';
import { Dispatcher } from './queue/dispatcher.js';
import { ReceiptTracker } from './queue/receipt-tracker.js';
import { StatusWriter } from './queue/status-writer.js';
import { routeSchema } from './routing/route-schema.js';
import { Router } from './routing/router.js';
import { BindRegistry } from './smpp-server/bind-registry.js';
import { GatewaySmppServer } from './smpp-server/gateway-smpp-server.js';
import { SmppEventPoster } from './smpp-server/smpp-event-poster.js';
import { ChangeFeed } from './store/change-feed.js';
import { migrateToLatest, openStore, type Store } from './store/open-store.js';
import { purgeIdempotencyKeys } from './store/queries/idempotency.js';
import { loadSavedRoutes } from './store/queries/routes.js';
import type { WebhookPoster } from './webhooks/webhook-deliverer.js';
import { WebhookDeliverer } from './webhooks/webhook-deliverer.js';
import { WebhookClient } from './webhooks/webhook-request.js';

const HOUSEKEEPING_INTERVAL_MS = 3_600_000;
/**
 * deliver_sm in flight at once to one SMPP account, over all its binds (each bind's own window,
 * `smppServer.sendWindow`, still holds): an HTTP receiver's 8 would leave a bind's window mostly idle.
 */
const SMPP_DELIVERIES_AT_ONCE = 64;

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

/** How long a stop keeps writing status changes again while the store is away. */
const STOP_WRITE_RETRY_MS = 15_000;

/**
 * This node's name as the owner of the messages it works on: configured, else `local` for SQLite
 * (one process per database), else host and port (a port chosen by the system gets a random tag,
 * so two such nodes on one host never share a name).
 */
function nodeIdOf(config: Config, store: Store): string {
  if (config.cluster.nodeId) return config.cluster.nodeId;
  if (store.dialect === 'sqlite') return 'local';
  return `${hostname()}:${config.port === 0 ? randomBytes(4).toString('hex') : config.port}`;
}

export interface GatewayOptions {
  config: Config;
  logger?: Logger;
  /** Bootstrap admin key for an empty database (SMSGATE_ADMIN_KEY). */
  adminKey?: string | undefined;
  /** An already open store (tests pass one per PostgreSQL schema). */
  store?: Store;
  /** Receipt matching: how long an early receipt waits for its submission (tests shorten it). */
  earlyReceiptWaitMs?: number;
  /**
   * How far ahead scheduled messages are held in memory (default 60 s); tests shorten it to see
   * messages beyond it read back from the store.
   */
  schedulerHorizonMs?: number;
}

/**
 * One running smsgate: the store, the accept path, the dispatcher with its connectors, and the HTTP
 * server, wired together. `create` opens and migrates; `start` recovers and listens; `stop` drains.
 */
export class Gateway {
  readonly http: FastifyInstance;
  /** The bootstrap admin key if one was generated by `start` (print it once). */
  generatedAdminKey: string | undefined;
  /** False until `start` has finished: requests get 503 `starting` meanwhile. */
  /** Kannel's second sendsms port, when `kannelPort` is set and the gateway listens. */
  kannelListener: KannelListener | undefined;
  private started = false;
  private housekeeping: NodeJS.Timeout | undefined;
  private partsRelease: NodeJS.Timeout | undefined;
  /** Where the route table in use came from: the config file, or saved through the admin API. */
  routesSource: 'config' | 'api';

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
    private readonly adminKey: string | undefined,
    /** Refuses addresses that keep failing authentication (shared by every API dialect and SMPP). */
    readonly authFailures: AuthFailureLimiter,
    /** The gateway's own SMPP server (listening once `start` has run with `listen`). */
    readonly smpp: GatewaySmppServer,
    /** What this node tells the others on the same PostgreSQL database, and hears from them. */
    readonly changes: ChangeFeed,
    /** Which of each SMPP connector's binds this node opens (shared over the nodes). */
    readonly bindLeases: BindLeases,
    /** The Prometheus metrics `/metrics` exposes. */
    readonly metrics: GatewayMetrics,
  ) {
    this.routesSource = routesSource;
    this.listenForOtherNodes();

    this.http = buildHttpServer(this);
  }

  static async create(options: GatewayOptions): Promise<Gateway> {
    const { config } = options;
    const logger =
      options.logger ?? createLogger(config.logLevel, { logMessageContent: config.logMessageContent });
    const metrics = new GatewayMetrics();
    const submitTimes = new SubmitTimes();
    const store =
      options.store ??
      (await openStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        sqliteSynchronous: config.sqlite.synchronous,
        sqliteCacheMiB: config.sqlite.cacheMiB,
        sqliteMmapMiB: config.sqlite.mmapMiB,
        sqliteWriterThread: config.sqlite.writerThread,
        exclusive: true,
      }));
    try {
      const applied = await migrateToLatest(store);
      if (applied.length > 0)
        logger.info({ migrations: applied, store: store.location }, 'database migrated');

      const writer = new StatusWriter(store, logger);
      const webhookClient = new WebhookClient(
        { allowPrivateAddresses: config.webhooks.allowPrivateAddresses },
        { maxSocketsPerOrigin: config.webhooks.concurrencyPerDestination },
      );
      const lease = { owner: nodeIdOf(config, store), ms: config.cluster.leaseSeconds * 1000 };
      // Events addressed to an SMPP account (`smpp:`) go out as deliver_sm on its binds.
      const smppBinds = new BindRegistry();
      const smppPoster = new SmppEventPoster(smppBinds);
      const poster: WebhookPoster = {
        post: (request) => (isSmppUrl(request.url) ? smppPoster.post(request) : webhookClient.post(request)),
      };
      const webhooks = new WebhookDeliverer(
        store,
        poster,
        config.webhooks,
        logger,
        Math.random,
        (url) => (isSmppUrl(url) ? SMPP_DELIVERIES_AT_ONCE : undefined),
        lease,
      );
      writer.onEvents = (events) => webhooks.enqueue(events);
      const changes = new ChangeFeed(store, lease.owner, logger);
      // An SMPP client's receipts go out on its bind, so only the node it is bound to claims them.
      webhooks.deliverLocallyOnly(
        SMPP_URL_SCHEME,
        () => smppBinds.receivingAccounts().map(smppReceiptUrl),
        () => changes.publishSoon('released'),
      );
      const optOuts = new OptOutRegistry();
      await optOuts.load(store);
      const senderNumbers = new SenderNumbers();
      await senderNumbers.load(store);
      const inbound = new InboundService(store, webhooks, optOuts, senderNumbers, config, logger);
      const tracker = new ReceiptTracker(store, writer, { earlyReceiptWaitMs: options.earlyReceiptWaitMs });
      let dispatcher: Dispatcher | undefined;
      const sink: ConnectorSink = {
        receipt: (receipt) => {
          metrics.receipts.labels(receipt.connector, receipt.state).inc();
          // Arrival time, not the receipt's own `done date`: SMSCs write that in minutes, in their zone.
          const submittedAt = submitTimes.take(receipt);
          if (submittedAt !== undefined) {
            metrics.receiptSeconds
              .labels(receipt.connector)
              .observe(Math.max(0, Date.now() - submittedAt) / 1000);
          }
          return tracker.handle(receipt);
        },
        inbound: async (message) => {
          await inbound.receive(message);
        },
        capacityAvailable: () => dispatcher?.capacityAvailable(),
        stateChanged: (event) => {
          metrics.connectorEvents.labels(event.connector, event.kind).inc();
          logConnectorEvent(logger, event);
        },
      };
      const connectorConfigs = effectiveConnectors(config);
      const bindLeases = new BindLeases(store, lease, logger);
      const connectors = new Map<string, Connector>();
      for (const connectorConfig of connectorConfigs) {
        if (connectors.has(connectorConfig.name))
          throw new Error(`two connectors are named "${connectorConfig.name}"`);
        connectors.set(
          connectorConfig.name,
          instrumentConnector(createConnector(connectorConfig, sink, bindLeases), metrics, submitTimes),
        );
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
        lease,
        onHandedOver: () => changes.publishSoon('released'),
        store,
        writer,
        tracker,
        connectors,
        defaultConnector: connectorConfigs[0]!.name,
        queue: config.queue,
        ...(options.schedulerHorizonMs !== undefined
          ? { schedulerHorizonMs: options.schedulerHorizonMs }
          : {}),
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
      const accept = new AcceptService(
        store,
        dispatcher,
        config,
        logger,
        limits,
        prices,
        senderNumbers,
        lease,
      );
      const waiters = new VerdictWaiters();
      writer.onCommitted = (changes) => {
        for (const change of changes) metrics.transitions.labels(change.status).inc();
        waiters.committed(changes);
      };
      accept.onAccepted = (statuses, seconds, dialect) => {
        metrics.accepted.labels(dialect).inc(statuses.length);
        // A message's first status is committed with it, not by the status writer.
        for (const status of statuses) metrics.transitions.labels(status).inc();
        metrics.acceptSeconds.labels(dialect).observe(seconds);
      };
      const messages = new MessageService(store, preparer, accept, dispatcher, webhooks, waiters, config);
      const auth = new Authenticator(store);
      const authFailures = new AuthFailureLimiter(config.maxFailedAuthPerMinute);
      const smpp = new GatewaySmppServer(smppBinds, config, store, messages, webhooks, authFailures, logger);
      registerScrapeGauges(metrics, { connectors, dispatcher, webhooks, smppBinds });
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
        options.adminKey,
        authFailures,
        smpp,
        changes,
        bindLeases,
        metrics,
      );
    } catch (error) {
      if (!options.store) await store.close();
      throw error;
    }
  }

  /**
   * Opens the HTTP port (unless `listen` is false), creates the admin account on an empty database,
   * starts connectors and recovers unfinished messages. The port is bound first, so a port in use
   * stops the start before anything is created (answers are 503 `starting` until the start is done).
   */
  async start(listen = true): Promise<void> {
    if (listen) await this.listen();
    await this.changes.start();
    // Only once the configuration (and the port) have proved themselves: a start that fails must
    // not create the admin account whose generated key nobody saw.
    const bootstrap = await bootstrapAdmin(this.store, this.adminKey);
    this.generatedAdminKey = bootstrap?.generatedKey;
    await this.webhooks.start();
    await this.bindLeases.start();
    for (const connector of this.connectors.values()) await connector.start();
    await this.dispatcher.start();
    this.housekeeping = setInterval(() => void this.purgeExpiredKeys(), HOUSEKEEPING_INTERVAL_MS);
    this.housekeeping.unref();
    this.partsRelease = setInterval(() => void this.releaseStaleInboundParts(), PARTS_RELEASE_INTERVAL_MS);
    this.partsRelease.unref();
    await this.releaseStaleInboundParts();
    await this.purgeExpiredKeys();
    // Last: SMPP clients bind only to a gateway that can take their messages.
    if (listen) await this.smpp.listen();
    this.started = true;
  }

  /** Whether `start` has finished (until then requests get 503 `starting`). */
  get isStarted(): boolean {
    return this.started;
  }

  private async listen(): Promise<void> {
    await this.listenMain();
    if (this.config.kannelPort > 0) {
      const listener = new KannelListener(this.http);
      try {
        await listener.listen(this.config.host, this.config.kannelPort);
      } catch (error) {
        throw new Error(
          `cannot listen on ${this.config.host}:${this.config.kannelPort} for Kannel's sendsms (${(error as NodeJS.ErrnoException).code ?? 'error'}); choose another kannelPort`,
          { cause: error },
        );
      }
      this.kannelListener = listener;
    }
  }

  private async listenMain(): Promise<void> {
    try {
      await this.http.listen({ host: this.config.host, port: this.config.port });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${this.config.host}:${this.config.port}`;
      if (code === 'EADDRINUSE') {
        throw new Error(
          `cannot listen on ${where}: the port is already in use; choose another with --port or SMSGATE_PORT (or "port" in the config file)`,
          { cause: error },
        );
      }
      if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
        throw new Error(
          `cannot listen on ${where} (${code}); check --host / SMSGATE_HOST and --port / SMSGATE_PORT`,
          { cause: error },
        );
      }
      throw error;
    }
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
    await this.kannelListener?.close();
    await this.http.close();
    // Unbinds SMPP clients (their submits in flight answered first) before the queue stops.
    await this.smpp.close();
    // A store that is away does not hold the stop up past this: what could not be written is
    // taken up from the store at the next start.
    this.writer.finishWithin(STOP_WRITE_RETRY_MS);
    await this.dispatcher.stop();
    await this.tracker.stop();
    for (const connector of this.connectors.values()) await connector.stop();
    await this.bindLeases.stop();
    await this.writer.idle();
    await this.webhooks.stop();
    this.webhookClient.close();
    await this.changes.stop();
    // The leases are released: the other nodes take this node's work over now.
    await this.changes.publish('released');
    await this.writer.idle();
    if (closeStore) await this.store.close();
  }

  /**
   * Changes another node made reach this one's caches within a second (docs/deployment.md): a
   * setting through the API, an opt-out, or a node that stopped and released its work.
   */
  private listenForOtherNodes(): void {
    this.optOuts.onChange = () => void this.changes.publish('opt-outs');
    this.changes.on('opt-outs', () => this.optOuts.load(this.store));
    this.changes.on('settings', async () => {
      this.auth.invalidate();
      this.limits.invalidate();
      this.prices.invalidate();
      await this.senderNumbers.load(this.store);
      this.routesSource = await applySavedRoutes(this.store, this.router, this.logger);
    });
    this.changes.on('released', async () => {
      // A node that stopped gave up its bind slots too: take its share now, not at the next round.
      await this.bindLeases.tick();
      await this.dispatcher.takeOverReleased();
      await this.webhooks.takeOverReleased();
    });
  }
}
