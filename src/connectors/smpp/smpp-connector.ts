import { ConnectorError } from '../../core/errors.js';
import type { BindMode } from '../../smpp/bind-modes.js';
import { canTransmit } from '../../smpp/bind-modes.js';
import { COMMAND_STATUS, isRetryableStatus, statusName } from '../../smpp/command-status.js';
import type { Pdu } from '../../smpp/pdu.js';
import { REGISTERED_DELIVERY } from '../../smpp/pdu-flags.js';
import { type BindChange, ReconnectingBind } from '../../smpp/smpp-client.js';
import { type SmppSession, SmppTimeoutError } from '../../smpp/smpp-session.js';
import { formatAbsolute } from '../../smpp/smpp-time.js';
import type { BindSlots } from '../bind-slots.js';
import type {
  Connector,
  ConnectorSink,
  ConnectorState,
  ConnectorStatus,
  OutboundMessage,
  SubmitResult,
} from '../connector.js';
import { destinationAddress, type NumberedAddress, sourceAddress } from './address-numbering.js';
import { readDeliver } from './deliver-reader.js';
import { encodeBinarySegment, encodeSegments, type SegmentPayload } from './segment-encoder.js';
import type { SmppConnectorConfig } from './smpp-connector-config.js';
import { ThroughputLimiter } from './throughput-limiter.js';
import { normalizeUpstreamId } from './upstream-id.js';

/** The fields every segment of one message shares. */
interface Addressing {
  source: NumberedAddress;
  destination: NumberedAddress;
  validity: string;
  priority: number;
}

/**
 * An SMPP 3.4 upstream: keeps `binds` binds (and optional receiver binds) up with reconnects,
 * spreads submissions over them within each bind's window and the connector's throughput cap,
 * splits long texts as configured, and turns deliver_sm into receipts and inbound messages, which
 * it acknowledges only once the gateway has stored them.
 */
export class SmppConnector implements Connector {
  readonly type = 'smpp';
  readonly name: string;
  private readonly binds: ReconnectingBind[] = [];
  private readonly limiter: ThroughputLimiter;
  private state: ConnectorState = 'stopped';
  private next = 0;
  private reference = Math.floor(Math.random() * 0xffff);
  private inFlight = 0;
  private submitted = 0;
  private failed = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  /** Long messages part-way submitted when a retryable error stopped them: message id → progress. */
  private readonly partial = new Map<string, { reference: number; upstreamIds: string[] }>();
  /** Per bind, the last change reported (kind and cause). */
  private readonly lastReported: string[] = [];
  /** The binds this node may open (all of them without `slots`). */
  private held: ReadonlySet<number> = new Set();

  constructor(
    private readonly config: SmppConnectorConfig,
    private readonly sink: ConnectorSink,
    /** Several nodes on one database share the configured binds (docs/deployment.md). */
    private readonly slots?: BindSlots,
  ) {
    this.name = config.name;
    this.limiter = new ThroughputLimiter(config.throughputPerSecond);
    const common = {
      host: config.host,
      port: config.port,
      tls: config.tls === false ? undefined : config.tls === true ? { rejectUnauthorized: true } : config.tls,
      systemId: config.systemId,
      password: config.password,
      systemType: config.systemType,
      windowSize: config.window,
      responseTimeoutMs: config.responseTimeoutSeconds * 1000,
      enquireLinkIntervalMs: config.enquireLinkSeconds * 1000,
      reconnectMinMs: config.reconnectMinSeconds * 1000,
      reconnectMaxMs: config.reconnectMaxSeconds * 1000,
      onRequest: (pdu: Pdu, session: SmppSession) => this.onRequest(pdu, session),
    };
    const modes = [
      ...Array<BindMode>(config.binds).fill(config.bindMode),
      ...Array<BindMode>(config.receiverBinds).fill('receiver'),
    ];
    modes.forEach((mode, index) => {
      this.binds.push(
        new ReconnectingBind({
          ...common,
          mode,
          onStateChange: (_state, detail, change) => {
            if (change) this.reportBind(index, change, detail);
            this.sink.capacityAvailable();
          },
        }),
      );
    });
  }

  async start(): Promise<void> {
    this.state = 'starting';
    if (!this.slots) {
      await this.applySlots(new Set(this.binds.keys()));
      return;
    }
    await this.slots.join(this.name, this.binds.length, (held) => this.applySlots(held));
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    await Promise.all(this.binds.map((bind) => bind.stop()));
    this.held = new Set();
    await this.slots?.leave(this.name);
  }

  /** Opens the binds whose slots this node holds and closes the others (unbinding them first). */
  private async applySlots(held: ReadonlySet<number>): Promise<void> {
    if (this.state === 'stopped') return;
    this.held = held;
    const closing: Promise<void>[] = [];
    this.binds.forEach((bind, index) => {
      if (held.has(index)) bind.start();
      else closing.push(bind.stop());
    });
    await Promise.all(closing);
    this.sink.capacityAvailable();
  }

  available(): number {
    if (this.state === 'stopped' || this.limiter.paused) return 0;
    let free = 0;
    for (const session of this.transmitters()) free += session.available;
    return free;
  }

  async submit(message: OutboundMessage): Promise<SubmitResult> {
    this.inFlight++;
    try {
      // A retried long message resumes after the segments the SMSC already accepted, with the same
      // reference, instead of sending those again.
      const progress = this.partial.get(message.id) ?? { reference: this.nextReference(), upstreamIds: [] };
      this.partial.delete(message.id);
      const segments =
        message.encoding === 'binary'
          ? [encodeBinarySegment(message.text, message.udhi === true)]
          : encodeSegments(message.text, message.encoding, this.config, progress.reference);
      const addressing: Addressing = {
        source: sourceAddress(message.from, message.fromKind, {
          ton: this.config.sourceTon,
          npi: this.config.sourceNpi,
        }),
        destination: destinationAddress(message.to, { ton: this.config.destTon, npi: this.config.destNpi }),
        validity: formatAbsolute(new Date(message.expiresAt)),
        priority: message.priority,
      };
      try {
        for (const segment of segments.slice(progress.upstreamIds.length)) {
          progress.upstreamIds.push(await this.submitSegment(segment, addressing));
        }
      } catch (error) {
        if (progress.upstreamIds.length > 0 && error instanceof ConnectorError && error.retryable) {
          this.partial.set(message.id, progress);
          if (this.partial.size > 10_000) this.partial.delete(this.partial.keys().next().value!);
        }
        throw error;
      }
      this.submitted++;
      return { upstreamIds: progress.upstreamIds };
    } catch (error) {
      this.failed++;
      throw error instanceof ConnectorError
        ? error
        : new ConnectorError((error as Error).message, {
            retryable: false,
            rawCode: 'encode_error',
            cause: error,
          });
    } finally {
      this.inFlight--;
    }
  }

  /** Sends one segment; resolves with its normalised upstream id. */
  private async submitSegment(segment: SegmentPayload, addressing: Addressing): Promise<string> {
    const session = await this.pickSession();
    const sentAt = Date.now();
    let response: Pdu;
    try {
      response = await session.request('submit_sm', {
        service_type: this.config.serviceType,
        source_addr_ton: addressing.source.ton,
        source_addr_npi: addressing.source.npi,
        source_addr: addressing.source.addr,
        dest_addr_ton: addressing.destination.ton,
        dest_addr_npi: addressing.destination.npi,
        destination_addr: addressing.destination.addr,
        esm_class: segment.esm_class,
        priority_flag: addressing.priority,
        validity_period: addressing.validity,
        registered_delivery: this.config.registeredDelivery ? REGISTERED_DELIVERY.RECEIPT_ON_FINAL : 0,
        data_coding: segment.data_coding,
        short_message: segment.short_message,
        tlvs: segment.tlvs,
      });
    } catch (error) {
      throw new ConnectorError(`submit_sm failed: ${(error as Error).message}`, {
        retryable: true,
        rawCode: error instanceof SmppTimeoutError ? 'timeout' : 'connection_lost',
        cause: error,
      });
    }
    if (response.commandStatus !== COMMAND_STATUS.ESME_ROK)
      throw this.refusal(response.commandStatus, sentAt);
    if (this.limiter.throttling) {
      this.limiter.succeeded();
      this.sink.stateChanged?.({ connector: this.name, kind: 'throttling_ended' });
    }
    const id = response.command === 'submit_sm_resp' ? response.message_id : '';
    return normalizeUpstreamId(id, this.config.submitIdFormat);
  }

  status(): ConnectorStatus {
    const up = this.binds.filter((bind) => bind.isUp).length;
    // Judged by the binds this node holds; holding none, the connector is another node's to use.
    const state: ConnectorState =
      this.state === 'stopped'
        ? 'stopped'
        : this.held.size === 0 && this.slots
          ? 'remote'
          : up === this.held.size
            ? 'up'
            : up > 0
              ? 'degraded'
              : 'down';
    return {
      name: this.name,
      type: this.type,
      state,
      inFlight: this.inFlight,
      submitted: this.submitted,
      failed: this.failed,
      detail: {
        throttled: this.limiter.paused,
        binds: this.binds.map((bind, index) => ({
          mode: bind.options.mode,
          state: bind.isUp ? 'bound' : this.held.has(index) ? 'down' : 'other node',
          inFlight: bind.session?.inFlight ?? 0,
          lastError: bind.lastError ?? null,
        })),
      },
    };
  }

  /**
   * Tells the gateway about a bind's change, once per change: the same failure again on the next
   * reconnect attempt is not news (the log would fill with one line per attempt).
   */
  private reportBind(index: number, change: BindChange, detail: string | undefined): void {
    const signature = `${change.kind}|${detail ?? ''}`;
    if (this.lastReported[index] === signature) return;
    this.lastReported[index] = signature;
    const kind = change.kind === 'bound' ? 'bind_up' : change.kind === 'lost' ? 'bind_lost' : 'bind_failed';
    this.sink.stateChanged?.({
      connector: this.name,
      kind,
      bind: index,
      ...(detail === undefined ? {} : { detail }),
      ...(change.retryInMs === undefined ? {} : { retryInMs: change.retryInMs }),
    });
  }

  private refusal(commandStatus: number, sentAt: number): ConnectorError {
    const rawCode = statusName(commandStatus);
    if (commandStatus === COMMAND_STATUS.ESME_RTHROTTLED) {
      const wasThrottling = this.limiter.throttling;
      this.limiter.throttled(sentAt);
      if (!wasThrottling) {
        this.sink.stateChanged?.({ connector: this.name, kind: 'throttling_started', detail: rawCode });
      }
      // Wake the dispatcher when the pause ends: nothing else will tell it there is room again.
      if (this.resumeTimer) clearTimeout(this.resumeTimer);
      this.resumeTimer = setTimeout(() => this.sink.capacityAvailable(), this.limiter.waitMs() + 5);
    }
    return new ConnectorError(`SMSC refused submit_sm: ${rawCode}`, {
      retryable: isRetryableStatus(commandStatus),
      rawCode,
    });
  }

  private transmitters(): SmppSession[] {
    const sessions: SmppSession[] = [];
    for (const bind of this.binds) {
      const session = bind.session;
      if (session?.isOpen && canTransmit(session.state)) sessions.push(session);
    }
    return sessions;
  }

  /** A bound transmitter with window room (round robin), waiting for the throughput cap. */
  private async pickSession(): Promise<SmppSession> {
    for (;;) {
      const wait = this.limiter.waitMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sessions = this.transmitters();
      if (sessions.length === 0) {
        throw new ConnectorError(`no ${this.name} bind is up`, { retryable: true, rawCode: 'not_bound' });
      }
      for (let i = 0; i < sessions.length; i++) {
        const session = sessions[(this.next + i) % sessions.length]!;
        if (session.available > 0 && this.limiter.tryTake()) {
          this.next = (this.next + i + 1) % sessions.length;
          return session;
        }
      }
      // Every window is full (the next segment of a long message): the session queues it.
      if (this.limiter.tryTake()) return sessions[this.next++ % sessions.length]!;
    }
  }

  private nextReference(): number {
    this.reference = (this.reference + 1) & 0xffff;
    return this.reference;
  }

  private onRequest(pdu: Pdu, session: SmppSession): void {
    if (pdu.command !== 'deliver_sm' && pdu.command !== 'data_sm') {
      session.respondError(pdu, COMMAND_STATUS.ESME_RINVCMDID);
      return;
    }
    const read = readDeliver(pdu, this.config.gsmPacked);
    const responseName = pdu.command === 'deliver_sm' ? 'deliver_sm_resp' : 'data_sm_resp';
    if (!read) {
      session.respond(pdu, responseName);
      return;
    }
    // Acknowledge an inbound message (or part) or a receipt only once it is stored; if storing
    // fails the SMSC will send it again.
    const stored =
      read.kind === 'inbound'
        ? this.sink.inbound({
            connector: this.name,
            from: read.from,
            to: read.to,
            text: read.text,
            receivedAt: Date.now(),
            concat: read.concat,
          })
        : this.sink.receipt({
            connector: this.name,
            upstreamId: normalizeUpstreamId(read.id, this.config.receiptIdFormat),
            state: read.state,
            rawCode: read.rawCode,
            detail: null,
            at: Date.now(),
          });
    stored.then(
      () => session.respond(pdu, responseName),
      () => session.respondError(pdu, COMMAND_STATUS.ESME_RX_T_APPN),
    );
  }
}
