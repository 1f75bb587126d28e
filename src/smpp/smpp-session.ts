import type { Duplex } from 'node:stream';
import { COMMAND_IDS, type CommandName, commandNameOf, isResponse, responseNameOf } from './command-ids.js';
import { COMMAND_STATUS } from './command-status.js';
import { createPdu, type Pdu, type PduInit, type PduOf } from './pdu.js';
import { decodePdu, encodePdu } from './pdu-codec.js';
import { DEFAULT_MAX_PDU_LENGTH, PduFramer } from './pdu-framer.js';
import { PduDecodeError } from './smpp-errors.js';

/** Bind states a session moves through; `open` is connected but not bound. */
export const SESSION_STATES = ['open', 'bound_tx', 'bound_rx', 'bound_trx', 'unbinding', 'closed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export interface SessionOptions {
  /** Requests this side may have awaiting a response at once. */
  windowSize?: number;
  /** How long a request waits for its response before it fails (and counts against the peer). */
  responseTimeoutMs?: number;
  /** Send enquire_link after this much silence; 0 disables. */
  enquireLinkIntervalMs?: number;
  maxPduLength?: number;
}

/** A request the peer sent us; answer it with `respond` (enquire_link and unbind are answered here). */
export type RequestHandler = (pdu: Pdu, session: SmppSession) => void;

/** The request timed out waiting for its response. Whether the peer acted on it is unknown. */
export class SmppTimeoutError extends Error {
  constructor(
    readonly command: CommandName,
    timeoutMs: number,
  ) {
    super(`no ${command}_resp within ${timeoutMs} ms`);
    this.name = 'SmppTimeoutError';
  }
}

/** The session closed before the request was answered. */
export class SessionClosedError extends Error {
  constructor(message = 'SMPP session closed', cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SessionClosedError';
  }
}

interface Pending {
  command: CommandName;
  resolve: (pdu: Pdu) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One SMPP connection, either side: frames and decodes what arrives, numbers and correlates
 * requests with their responses inside a window, times out unanswered requests, keeps the link
 * alive with enquire_link and declares the peer dead when those go unanswered, and unbinds
 * gracefully (in-flight requests drain first). Bad input from the peer is answered with the right
 * command_status (or generic_nack) and never throws out of the session.
 */
export class SmppSession {
  state: SessionState = 'open';
  readonly windowSize: number;
  private readonly responseTimeoutMs: number;
  private readonly enquireLinkIntervalMs: number;
  private readonly framer: PduFramer;
  private readonly pending = new Map<number, Pending>();
  private readonly windowWaiters: (() => void)[] = [];
  private sequence = 0;
  private lastReceivedAt = Date.now();
  private keepAlive: NodeJS.Timeout | undefined;
  private requestHandler: RequestHandler | undefined;
  private readonly closeListeners: ((error: Error | undefined) => void)[] = [];
  private closeError: Error | undefined;

  constructor(
    readonly socket: Duplex,
    options: SessionOptions = {},
  ) {
    this.windowSize = options.windowSize ?? 10;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10_000;
    this.enquireLinkIntervalMs = options.enquireLinkIntervalMs ?? 30_000;
    this.framer = new PduFramer({ maxPduLength: options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => this.destroy(error));
    socket.on('close', () =>
      this.finish(this.closeError ?? new SessionClosedError('connection closed by peer')),
    );
    if (this.enquireLinkIntervalMs > 0) this.armKeepAlive();
  }

  /** Installs the handler for requests from the peer (other than enquire_link and unbind). */
  onRequest(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  /** Called once when the session ends, with the reason (undefined after a clean unbind). */
  onClose(listener: (error: Error | undefined) => void): void {
    if (this.state === 'closed') listener(this.closeError);
    else this.closeListeners.push(listener);
  }

  get isOpen(): boolean {
    return this.state !== 'closed' && this.state !== 'unbinding';
  }

  /** Requests awaiting their response. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Window slots free now. */
  get available(): number {
    return this.isOpen ? Math.max(0, this.windowSize - this.pending.size) : 0;
  }

  /**
   * Sends a request and resolves with its response (whatever its command_status; generic_nack
   * included). Waits for a window slot first. Rejects on timeout or when the session closes.
   */
  async request<C extends CommandName>(command: C, init: PduInit<C> = {}): Promise<Pdu> {
    while (this.isOpen && this.pending.size >= this.windowSize) {
      await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
    }
    if (!this.isOpen && command !== 'unbind') throw new SessionClosedError();
    return this.sendRequest(command, init);
  }

  /** Answers a request from the peer with its response PDU. */
  respond<C extends CommandName>(request: Pdu, command: C, init: PduInit<C> = {}): void {
    if (this.state === 'closed') return;
    this.write(createPdu(command, { ...init, sequenceNumber: request.sequenceNumber } as PduInit<C>) as Pdu);
  }

  /**
   * Unbinds: stops new requests, waits (up to the response timeout) for requests in flight, sends
   * unbind and closes once it is answered.
   */
  async unbind(): Promise<void> {
    if (this.state === 'closed' || this.state === 'unbinding') return;
    this.state = 'unbinding';
    for (const wake of this.windowWaiters.splice(0)) wake();
    const deadline = Date.now() + this.responseTimeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    try {
      await this.sendRequest('unbind', {});
    } catch {
      // The peer did not answer the unbind: close anyway.
    }
    this.close();
  }

  /** Closes the connection at once (after flushing what was written). */
  close(): void {
    if (this.state === 'closed') return;
    this.socket.end();
    this.finish(undefined);
  }

  /** Tears the connection down because of `error`; everything pending fails with it. */
  destroy(error: Error): void {
    if (this.state === 'closed') return;
    this.closeError = error;
    this.socket.destroy();
    this.finish(error);
  }

  private sendRequest<C extends CommandName>(command: C, init: PduInit<C>): Promise<Pdu> {
    const sequenceNumber = this.nextSequence();
    const pdu = createPdu(command, { ...init, sequenceNumber } as PduInit<C>);
    const bytes = encodePdu(pdu as Pdu); // throws SmppEncodeError before anything is sent
    return new Promise<Pdu>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(sequenceNumber);
        this.releaseSlot();
        reject(new SmppTimeoutError(command, this.responseTimeoutMs));
      }, this.responseTimeoutMs);
      this.pending.set(sequenceNumber, { command, resolve, reject, timer });
      this.socket.write(bytes);
    });
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  private write(pdu: Pdu): void {
    this.socket.write(encodePdu(pdu));
  }

  private onData(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    this.framer.push(chunk);
    for (;;) {
      let frame: Buffer | undefined;
      try {
        frame = this.framer.next();
      } catch (error) {
        this.answerUndecodable(error as PduDecodeError);
        return;
      }
      if (!frame) return;
      let pdu: Pdu;
      try {
        pdu = decodePdu(frame);
      } catch (error) {
        if (!(error instanceof PduDecodeError)) throw error;
        this.answerUndecodable(error);
        if (error.closeSession) return;
        continue;
      }
      this.dispatch(pdu);
      if (this.state === 'closed') return;
    }
  }

  private dispatch(pdu: Pdu): void {
    if (isResponse(pdu.command)) {
      const pending = this.pending.get(pdu.sequenceNumber);
      if (!pending) return; // a late answer to a request that already timed out
      this.pending.delete(pdu.sequenceNumber);
      clearTimeout(pending.timer);
      this.releaseSlot();
      pending.resolve(pdu);
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        this.respond(pdu, 'enquire_link_resp');
        return;
      case 'unbind':
        this.respond(pdu, 'unbind_resp');
        this.state = 'unbinding';
        this.close();
        return;
      default:
        if (this.requestHandler) {
          try {
            this.requestHandler(pdu, this);
          } catch {
            this.respondError(pdu, COMMAND_STATUS.ESME_RSYSERR);
          }
        } else {
          this.respondError(pdu, COMMAND_STATUS.ESME_RINVCMDID);
        }
    }
  }

  /** Answers a request with an error status in its own response type (generic_nack if it has none). */
  respondError(request: Pdu, commandStatus: number): void {
    const responseName = responseNameOf(request.command);
    if (responseName) this.respond(request, responseName, { commandStatus } as PduInit<typeof responseName>);
    else this.respond(request, 'generic_nack', { commandStatus });
  }

  private answerUndecodable(error: PduDecodeError): void {
    const id = error.commandId;
    // Never answer a response: the peer would answer our answer.
    if (id === undefined || (id & 0x80000000) === 0) {
      const name = id === undefined ? undefined : commandNameOf(id);
      const responseName = name ? responseNameOf(name) : undefined;
      const sequenceNumber = error.sequenceNumber ?? 0;
      const command: CommandName = responseName ?? 'generic_nack';
      this.write(
        createPdu(command, { commandStatus: error.commandStatus, sequenceNumber } as PduInit<
          typeof command
        >) as Pdu,
      );
    } else if (id !== COMMAND_IDS.generic_nack) {
      // A response we cannot read: fail the request it answers rather than wait for its timeout.
      const pending = error.sequenceNumber === undefined ? undefined : this.pending.get(error.sequenceNumber);
      if (pending && error.sequenceNumber !== undefined) {
        this.pending.delete(error.sequenceNumber);
        clearTimeout(pending.timer);
        this.releaseSlot();
        pending.reject(error);
      }
    }
    if (error.closeSession) this.destroy(error);
  }

  private releaseSlot(): void {
    this.windowWaiters.shift()?.();
  }

  private armKeepAlive(): void {
    this.keepAlive = setInterval(
      () => {
        if (!this.isOpen) return;
        if (Date.now() - this.lastReceivedAt < this.enquireLinkIntervalMs) return;
        // Silence: probe the peer; no answer within the response timeout means it is gone.
        this.sendRequest('enquire_link', {}).catch((error: Error) => {
          if (error instanceof SmppTimeoutError) this.destroy(new Error('peer did not answer enquire_link'));
        });
      },
      Math.max(100, Math.floor(this.enquireLinkIntervalMs / 2)),
    );
    this.keepAlive.unref();
  }

  private finish(error: Error | undefined): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.keepAlive) clearInterval(this.keepAlive);
    // Callers see one error type for "the session ended", whatever ended it; the reason is its cause.
    const failure =
      error instanceof SessionClosedError
        ? error
        : new SessionClosedError(error ? `SMPP session closed: ${error.message}` : undefined, error);
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(failure);
    }
    this.pending.clear();
    for (const wake of this.windowWaiters.splice(0)) wake();
    for (const listener of this.closeListeners.splice(0)) listener(error);
  }
}

/** Narrows a PDU to one command. */
export function isPdu<C extends CommandName>(
  pdu: Pdu,
  command: C,
): pdu is Extract<Pdu, { command: C }> & PduOf<C> {
  return pdu.command === command;
}
