import { connect as connectTcp, type Socket } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import { backoffDelayMs } from '../core/backoff.js';
import { BIND_COMMAND, type BindMode, BOUND_STATE } from './bind-modes.js';
import { COMMAND_STATUS, statusName } from './command-status.js';
import { type RequestHandler, type SessionOptions, SmppSession } from './smpp-session.js';

export interface BindOptions extends SessionOptions {
  host: string;
  port: number;
  /** Connect with TLS (true, or Node TLS options). */
  tls?: boolean | ConnectionOptions;
  systemId: string;
  password: string;
  systemType?: string;
  mode: BindMode;
  connectTimeoutMs?: number;
}

/** A bind the SMSC refused, with its command_status. */
export class BindRefusedError extends Error {
  constructor(readonly commandStatus: number) {
    super(`bind refused: ${statusName(commandStatus)}`);
    this.name = 'BindRefusedError';
  }
}

/** Connects and binds once; resolves with the bound session or rejects (refused, timeout, network). */
export async function bindSession(options: BindOptions, onRequest?: RequestHandler): Promise<SmppSession> {
  const socket = await openSocket(options);
  const session = new SmppSession(socket, options);
  if (onRequest) session.onRequest(onRequest);
  try {
    const response = await session.request(BIND_COMMAND[options.mode], {
      system_id: options.systemId,
      password: options.password,
      system_type: options.systemType ?? '',
    });
    if (response.commandStatus !== COMMAND_STATUS.ESME_ROK)
      throw new BindRefusedError(response.commandStatus);
    session.state = BOUND_STATE[options.mode];
    return session;
  } catch (error) {
    session.destroy(error as Error);
    throw error;
  }
}

function openSocket(options: BindOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const socket: Socket = options.tls
      ? connectTls({
          host: options.host,
          port: options.port,
          ...(typeof options.tls === 'object' ? options.tls : {}),
        })
      : connectTcp({ host: options.host, port: options.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to ${options.host}:${options.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(options.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', onError);
  });
}

/** What the bind just did: came up, failed to bind, lost a bind that was up; and the next try. */
export interface BindChange {
  readonly kind: 'bound' | 'bind_failed' | 'lost';
  /** Milliseconds until the next attempt (for failures). */
  readonly retryInMs?: number;
}

export interface ReconnectingBindOptions extends BindOptions {
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  onRequest: RequestHandler;
  /** Told whenever the bind comes up or goes down (with the reason and when it tries again). */
  onStateChange?: (state: 'up' | 'down', detail?: string, change?: BindChange) => void;
}

/**
 * One bind kept up for as long as it is wanted: reconnects with exponential backoff (with jitter)
 * after any failure or disconnection, and unbinds gracefully on `stop`.
 */
export class ReconnectingBind {
  session: SmppSession | undefined;
  lastError: string | undefined;
  private running = false;
  /** Counts stops: a connect begun before a stop (then a start) must not add a second session. */
  private generation = 0;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly options: ReconnectingBindOptions) {}

  get isUp(): boolean {
    return this.session?.isOpen ?? false;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    const session = this.session;
    this.session = undefined;
    await session?.unbind();
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const generation = this.generation;
    try {
      const session = await bindSession(this.options, this.options.onRequest);
      if (!this.running || generation !== this.generation) {
        await session.unbind();
        return;
      }
      this.attempt = 0;
      this.session = session;
      this.lastError = undefined;
      this.options.onStateChange?.('up', undefined, { kind: 'bound' });
      session.onClose((error) => {
        if (this.session === session) this.session = undefined;
        this.lastError = error?.message;
        const retryInMs = this.scheduleReconnect();
        this.options.onStateChange?.('down', error?.message ?? 'unbound', {
          kind: 'lost',
          ...(retryInMs === undefined ? {} : { retryInMs }),
        });
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.lastError = (error as Error).message;
      const retryInMs = this.scheduleReconnect();
      this.options.onStateChange?.('down', this.lastError, {
        kind: 'bind_failed',
        ...(retryInMs === undefined ? {} : { retryInMs }),
      });
    }
  }

  /** Schedules the next attempt; returns its delay (undefined when stopped). */
  private scheduleReconnect(): number | undefined {
    if (!this.running) return undefined;
    this.attempt++;
    const policy = {
      baseMs: this.options.reconnectMinMs ?? 1000,
      maxMs: this.options.reconnectMaxMs ?? 60_000,
    };
    const delay = backoffDelayMs(policy, this.attempt);
    this.timer = setTimeout(() => void this.connect(), delay);
    return delay;
  }
}
