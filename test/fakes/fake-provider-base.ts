// What every fake upstream SMS provider in this folder shares: a real node:http server on 127.0.0.1,
// the record of requests and accepted messages, failure injection (down/up, black hole, failNext),
// the destination rules, ids, body parsing, and callbacks through a CallbackSender. Not a test file.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type CallbackAttempt, CallbackSender, type OutgoingCallback } from './callback-sender.js';

/** What finally happens to an accepted message. */
export const FINAL_OUTCOMES = ['delivered', 'undelivered', 'expired'] as const;
export type FinalOutcome = (typeof FINAL_OUTCOMES)[number];

/**
 * What a fake does with one message, from the last 4 digits of its destination (the gateway's
 * simulator numbers): `0000` accepted then undelivered; `0001` refused, invalid recipient (permanent);
 * `0002` accepted then expired; `0003` throttled (retryable) the first {@link THROTTLED_TIMES} times
 * that number is sent, then accepted and delivered; anything else accepted then delivered.
 */
export type Disposition =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'throttled' }
  | { readonly kind: 'accepted'; readonly outcome: FinalOutcome };

/** How many sends to a `…0003` number are throttled before one is accepted. */
export const THROTTLED_TIMES = 2;

/** Options every fake takes. */
export interface FakeProviderOptions {
  /** Port on 127.0.0.1 (default 0: a free one). `down()`/`up()` keep the port it got. */
  readonly port?: number;
  /** Delay before a message's first status callback (default 20 ms). */
  readonly callbackDelayMs?: number;
  /** Delay before a callback answered non-2xx (or not at all) is tried again (default 100 ms). */
  readonly callbackRetryMs?: number;
  /** Tries after the first (default 20). */
  readonly callbackRetries?: number;
  /** How long one callback attempt waits for an answer (default 2000 ms). */
  readonly callbackTimeoutMs?: number;
  /** Send every callback twice: receivers must tolerate duplicates. */
  readonly duplicateCallbacks?: boolean;
  /** Send each message's callbacks in reverse order (final status first): receivers must order them. */
  readonly shuffleCallbacks?: boolean;
}

/** One HTTP request the fake received (every request, whatever its path). */
export interface RecordedRequest {
  /** Arrival order, from 0. */
  readonly index: number;
  readonly method: string;
  /** The path with its query string, as sent. */
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: string;
  /**
   * The parsed body: the JSON value for `application/json`, a name → value record for
   * `application/x-www-form-urlencoded`; undefined when it does not parse as its content type says.
   */
  readonly body: unknown;
  /** The status answered; undefined while unanswered (black hole). */
  status: number | undefined;
}

/** One message the fake accepted. */
export interface AcceptedMessage {
  /** The provider's message id, as answered to the send. */
  readonly id: string;
  /** The destination exactly as sent. */
  readonly to: string;
  readonly from: string | undefined;
  readonly text: string;
  /** The client's own reference (Clickatell/Grandcom `clientMessageId`, JSON `reference`). */
  readonly clientReference: string | undefined;
  /**
   * How many accepted messages so far (this one included) share this message's client reference
   * or, when it has none, its `to` and `text`: 1 for the first, more for a duplicate.
   */
  readonly referenceCount: number;
  readonly outcome: FinalOutcome;
  /** Index of the request that carried it in `requests`. */
  readonly requestIndex: number;
}

/** An answer to a request: a status and a body (serialised as JSON unless it is a string). */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The base of every fake: subclasses say what a send request is and how to answer requests. */
export abstract class FakeProvider {
  readonly requests: RecordedRequest[] = [];
  readonly messages: AcceptedMessage[] = [];
  protected readonly callbacks: CallbackSender;
  private server: http.Server;
  private readonly sockets = new Set<Socket>();
  private portNumber: number;
  private blackholed = false;
  private readonly failures: number[] = [];
  private readonly throttleCounts = new Map<string, number>();
  private readonly referenceCounts = new Map<string, number>();

  protected constructor(options: FakeProviderOptions) {
    this.portNumber = options.port ?? 0;
    this.server = this.createServer();
    this.callbacks = new CallbackSender({
      delayMs: options.callbackDelayMs ?? 20,
      retryMs: options.callbackRetryMs ?? 100,
      retries: options.callbackRetries ?? 20,
      timeoutMs: options.callbackTimeoutMs ?? 2000,
      duplicate: options.duplicateCallbacks ?? false,
      reverse: options.shuffleCallbacks ?? false,
    });
  }

  /** Whether `request` is a send (only those are failed by `failNext`). */
  protected abstract isSendRequest(request: RecordedRequest): boolean;
  /** The answer to a request that no failure injection intercepted. */
  protected abstract handle(request: RecordedRequest): Reply;
  /** The provider's error answer for an HTTP status (used by `failNext`). */
  protected abstract failureReply(status: number): Reply;

  get port(): number {
    return this.portNumber;
  }

  /** Base URL, `http://127.0.0.1:<port>` (no trailing slash). */
  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  /** Every callback attempt made so far (status reports and inbound messages). */
  get callbackAttempts(): readonly CallbackAttempt[] {
    return this.callbacks.attempts;
  }

  /** Resolves once no callback is waiting, being sent or being retried. */
  callbacksSettled(): Promise<void> {
    return this.callbacks.settled();
  }

  /** How many messages with this client reference were accepted. */
  acceptedCount(clientReference: string): number {
    return this.messages.filter((m) => m.clientReference === clientReference).length;
  }

  /** The next `n` send requests are answered `status` with the provider's error body for it. */
  failNext(n: number, status: number): void {
    for (let i = 0; i < n; i++) this.failures.push(status);
  }

  /** While on, requests are recorded and never answered (the client must time out). */
  blackhole(on: boolean): void {
    this.blackholed = on;
  }

  /** Stops listening and drops every connection: connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Listens (again) on its port. */
  async up(): Promise<void> {
    if (this.server.listening) return;
    const server = this.createServer();
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (server.address() as AddressInfo).port;
  }

  /** Stops listening and abandons pending callbacks. */
  async close(): Promise<void> {
    this.callbacks.stop();
    await this.down();
  }

  /** Applies the destination rules to `to` (its digits); counts the sends to `…0003` numbers. */
  protected dispose(to: string): Disposition {
    const digits = to.replace(/\D/g, '');
    switch (digits.slice(-4)) {
      case '0000':
        return { kind: 'accepted', outcome: 'undelivered' };
      case '0001':
        return { kind: 'invalid' };
      case '0002':
        return { kind: 'accepted', outcome: 'expired' };
      case '0003': {
        const seen = this.throttleCounts.get(digits) ?? 0;
        this.throttleCounts.set(digits, seen + 1);
        return seen < THROTTLED_TIMES ? { kind: 'throttled' } : { kind: 'accepted', outcome: 'delivered' };
      }
      default:
        return { kind: 'accepted', outcome: 'delivered' };
    }
  }

  /** Records an accepted message. */
  protected accept(message: Omit<AcceptedMessage, 'referenceCount'>): AcceptedMessage {
    const key = message.clientReference ?? `${message.to}\u0000${message.text}`;
    const referenceCount = (this.referenceCounts.get(key) ?? 0) + 1;
    this.referenceCounts.set(key, referenceCount);
    const accepted: AcceptedMessage = { ...message, referenceCount };
    this.messages.push(accepted);
    return accepted;
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const request: RecordedRequest = {
          index: this.requests.length,
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawBody,
          body: parseBody(req.headers['content-type'], rawBody),
          status: undefined,
        };
        this.requests.push(request);
        if (this.blackholed) return;
        const failure = this.isSendRequest(request) ? this.failures.shift() : undefined;
        let reply: Reply;
        try {
          reply = failure === undefined ? this.handle(request) : this.failureReply(failure);
        } catch (error) {
          reply = { status: 500, body: `fake provider error: ${String(error)}` };
        }
        request.status = reply.status;
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
        res.writeHead(reply.status, { 'content-type': `${type}; charset=utf-8`, ...reply.headers });
        res.end(text);
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }
}

/** Parses a body by its content type (see {@link RecordedRequest.body}). */
export function parseBody(contentType: string | undefined, raw: string): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw));
  if (type !== 'application/json' && !type.endsWith('+json')) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** The user name and password of a `Basic` Authorization header, if it has one. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A value as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A value as a string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The path of a request without its query string. */
export function pathOf(request: RecordedRequest): string {
  return request.path.split('?')[0]!;
}

export type { CallbackAttempt, OutgoingCallback };
