import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { type BindMode, BOUND_STATE, bindModeOf } from './bind-modes.js';
import { COMMAND_STATUS } from './command-status.js';
import type { Pdu } from './pdu.js';
import { type RequestHandler, type SessionOptions, SmppSession } from './smpp-session.js';

/** What a client asked for when it bound. */
export interface BindRequest {
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  readonly mode: BindMode;
  readonly remoteAddress: string | undefined;
}

export interface SmppServerOptions extends SessionOptions {
  /** Decides a bind: resolve with ESME_ROK (0) to accept, or the command_status to refuse with. */
  authenticate(bind: BindRequest): Promise<number> | number;
  /** A session has bound: install its request handler here. */
  onBound(session: SmppSession, bind: BindRequest): RequestHandler;
  /** The system_id this server answers binds with. */
  systemId?: string;
  /** Serve SMPP over TLS with these options. */
  tls?: TlsOptions;
}

/**
 * An SMPP server (the SMSC side): accepts connections, answers binds through `authenticate`, refuses
 * everything before a bind with ESME_RINVBNDSTS, and hands bound sessions to `onBound`. The SMSC
 * simulator and the gateway's own SMPP server are built on it.
 */
export class SmppServer {
  readonly sessions = new Set<SmppSession>();
  private readonly server: Server;

  constructor(private readonly options: SmppServerOptions) {
    const onSocket = (socket: Socket) => this.accept(socket);
    this.server = options.tls ? createTlsServer(options.tls, onSocket) : createServer(onSocket);
  }

  /** Starts listening; resolves with the port (useful with port 0). */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Unbinds every session (gracefully, in parallel) and stops listening. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.sessions].map((session) => session.unbind()));
    await closed;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const session = new SmppSession(socket, this.options);
    this.sessions.add(session);
    session.onClose(() => this.sessions.delete(session));
    // One handler for the session's whole life: binds are always ours to answer (a second one gets
    // ESME_RALYBND), everything else waits for a successful bind.
    let bound: RequestHandler | undefined;
    let binding = false;
    session.onRequest((pdu) => {
      if (bindModeOf(pdu.command)) {
        if (binding || bound || session.state !== 'open') {
          session.respondError(pdu, COMMAND_STATUS.ESME_RALYBND);
          return;
        }
        binding = true;
        void this.handleBind(session, pdu, socket.remoteAddress).then((handler) => {
          binding = false;
          bound = handler;
        });
        return;
      }
      if (!bound) {
        session.respondError(pdu, COMMAND_STATUS.ESME_RINVBNDSTS);
        return;
      }
      bound(pdu, session);
    });
  }

  /** Answers a bind; resolves with the bound session's request handler, or undefined if refused. */
  private async handleBind(
    session: SmppSession,
    pdu: Pdu,
    remoteAddress: string | undefined,
  ): Promise<RequestHandler | undefined> {
    if (
      pdu.command !== 'bind_transmitter' &&
      pdu.command !== 'bind_receiver' &&
      pdu.command !== 'bind_transceiver'
    ) {
      return undefined;
    }
    const mode = bindModeOf(pdu.command)!;
    const bind: BindRequest = {
      systemId: pdu.system_id,
      password: pdu.password,
      systemType: pdu.system_type,
      mode,
      remoteAddress,
    };
    let status: number;
    try {
      status = await this.options.authenticate(bind);
    } catch {
      status = COMMAND_STATUS.ESME_RBINDFAIL;
    }
    const responseName = `${pdu.command}_resp` as const;
    session.respond(pdu, responseName, {
      commandStatus: status,
      system_id: this.options.systemId ?? 'smsgate',
    });
    if (status !== COMMAND_STATUS.ESME_ROK) {
      // A refused bind leaves nothing to talk about.
      setTimeout(() => session.close(), 50).unref();
      return undefined;
    }
    session.state = BOUND_STATE[mode];
    return this.options.onBound(session, bind);
  }
}
