import { readFileSync } from 'node:fs';
import type { AuthFailureLimiter } from '../accounts/auth-failure-limiter.js';
import { DialectCredentials } from '../accounts/dialect-credentials.js';
import type { Principal } from '../accounts/roles.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { smppReceiptUrl } from '../core/smpp-destination.js';
import type { MessageService } from '../messages/message-service.js';
import { COMMAND_STATUS } from '../smpp/command-status.js';
import { type BindRequest, SmppServer, type SmppServerOptions } from '../smpp/smpp-server.js';
import type { Store } from '../store/open-store.js';
import { deleteStaleSmppSubmitParts } from '../store/queries/smpp-submit-parts.js';
import type { WebhookDeliverer } from '../webhooks/webhook-deliverer.js';
import { BindAuthenticator } from './bind-authenticator.js';
import type { BindRegistry, BindView } from './bind-registry.js';
import { LongMessageAssembler } from './long-message-assembler.js';
import { SubmitHandler } from './submit-handler.js';

const STALE_PARTS_INTERVAL_MS = 60_000;

/**
 * The gateway's own SMPP server (the SMSC side for SMPP clients such as Kannel and Jasmin): a plain
 * listener on `smppPort` and optionally a TLS one; binds authenticated with the account's `smpp`
 * credential and limited per account; submits through the message service; receipts and inbound
 * messages out as deliver_sm through the events outbox (`smpp:` destinations, see
 * `SmppEventPoster`), which is woken whenever a receiver binds.
 */
export class GatewaySmppServer {
  private readonly authenticator: BindAuthenticator;
  private readonly handler: SubmitHandler;
  private readonly servers: SmppServer[] = [];
  private readonly principals = new WeakMap<BindRequest, Principal>();
  private staleParts: NodeJS.Timeout | undefined;
  /** The ports listened on (after `listen`): plain, then TLS. */
  readonly ports: { plain?: number; tls?: number } = {};

  constructor(
    /** The binds that are up (shared with the `SmppEventPoster` the webhook deliverer uses). */
    readonly binds: BindRegistry,
    private readonly config: Config,
    private readonly store: Store,
    messages: MessageService,
    webhooks: WebhookDeliverer,
    limiter: AuthFailureLimiter,
    private readonly logger: Logger,
  ) {
    this.authenticator = new BindAuthenticator(new DialectCredentials(store), limiter);
    this.handler = new SubmitHandler(
      messages,
      new LongMessageAssembler(store, messages),
      config.smppServer.receiveWindow,
      logger,
    );
    this.binds.onReceiverBound((accountId) => {
      webhooks.wakeDestination(accountId, smppReceiptUrl(accountId));
      // With several nodes, its receipts may be waiting unclaimed (no node had its bind): take them.
      void webhooks.takeOverReleased();
    });
  }

  /** Opens the configured listeners (none when `smppPort` is 0 and no TLS port is set). */
  async listen(): Promise<void> {
    const { smppPort, smppServer, host } = this.config;
    if (smppPort !== 0) {
      const server = new SmppServer(this.serverOptions());
      this.servers.push(server);
      this.ports.plain = await listenOn(server, smppPort, host, 'SMSGATE_SMPP_PORT / --smpp-port');
    }
    if (smppServer.tlsPort !== 0) {
      const server = new SmppServer({
        ...this.serverOptions(),
        tls: { cert: readFileSync(smppServer.tlsCertFile!), key: readFileSync(smppServer.tlsKeyFile!) },
      });
      this.servers.push(server);
      this.ports.tls = await listenOn(server, smppServer.tlsPort, host, 'smppServer.tlsPort');
    }
    if (this.servers.length > 0) {
      this.logger.info({ host, ...this.ports }, 'SMPP server listening');
      this.staleParts = setInterval(() => void this.dropStaleParts(), STALE_PARTS_INTERVAL_MS);
      this.staleParts.unref();
    }
  }

  /** Unbinds every client gracefully (their submits in flight answered first) and stops listening. */
  async close(): Promise<void> {
    if (this.staleParts) clearInterval(this.staleParts);
    this.handler.stop();
    // A submit committed but unanswered would be sent again by the client: answer them all first.
    const deadline = Date.now() + this.config.smppServer.responseTimeoutSeconds * 1000;
    while (this.binds.all().some((bind) => bind.pendingSubmits > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(this.servers.map((server) => server.close()));
  }

  /** The binds that are up, with their counters (one account's, or everyone's). */
  status(accountId?: string): BindView[] {
    return this.binds.views(accountId);
  }

  private serverOptions(): SmppServerOptions {
    const s = this.config.smppServer;
    return {
      systemId: s.systemId,
      windowSize: s.sendWindow,
      responseTimeoutMs: s.responseTimeoutSeconds * 1000,
      enquireLinkIntervalMs: s.enquireLinkSeconds * 1000,
      authenticate: (bind) => this.authenticate(bind),
      onBound: (session, bind) => {
        const principal = this.principals.get(bind)!;
        const registered = this.binds.add({
          accountId: principal.accountId,
          systemId: bind.systemId,
          mode: bind.mode,
          remoteAddress: bind.remoteAddress,
          session,
        });
        session.onClose(() => this.binds.remove(registered));
        this.logger.info(
          { bind: registered.id, account: principal.accountId, mode: bind.mode, remote: bind.remoteAddress },
          'SMPP client bound',
        );
        return (pdu) => this.handler.handle(registered, principal, pdu);
      },
    };
  }

  private async authenticate(bind: BindRequest): Promise<number> {
    const decision = await this.authenticator.decide(bind);
    if (!decision.ok) {
      this.logger.info(
        { systemId: bind.systemId, remote: bind.remoteAddress, status: decision.commandStatus },
        'SMPP bind refused',
      );
      return decision.commandStatus;
    }
    const { accountId } = decision.principal;
    if (this.binds.count(accountId) >= this.config.smppServer.maxBindsPerAccount) {
      this.logger.warn({ account: accountId }, 'SMPP bind refused: the account holds its most binds');
      return COMMAND_STATUS.ESME_RBINDFAIL;
    }
    this.principals.set(bind, decision.principal);
    return COMMAND_STATUS.ESME_ROK;
  }

  private async dropStaleParts(): Promise<void> {
    try {
      const dropped = await deleteStaleSmppSubmitParts(
        this.store,
        Date.now() - this.config.smppServer.partsMaxWaitSeconds * 1000,
      );
      if (dropped > 0)
        this.logger.warn({ parts: dropped }, 'dropped parts of long messages that never completed');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not drop stale long-message parts');
    }
  }
}

async function listenOn(server: SmppServer, port: number, host: string, setting: string): Promise<number> {
  try {
    return await server.listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot open the SMPP server on ${host}:${port} (${code ?? 'error'}); choose another with ${setting}`,
      {
        cause: error,
      },
    );
  }
}
