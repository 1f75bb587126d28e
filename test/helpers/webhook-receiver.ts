// A real webhook receiver (node:http on 127.0.0.1) for the delivery tests, and the small store and
// API reads those tests share. Not a test file itself.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { FINAL_STATUSES } from '../../src/core/statuses.js';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import type { EventRow } from '../../src/store/queries/events.js';
import { ADMIN_AUTH, waitFor } from './gateway.js';

/** One request as the receiver saw it (body read in full), and what it answered. */
export interface ReceivedRequest {
  /** Arrival order at this receiver, from 0. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as received. */
  readonly body: string;
  /** The status answered; set just before the answer is written (undefined while held). */
  answered: number | undefined;
  /** Tick of the receiver's clock (one counter for arrivals and answers) when it arrived. */
  readonly arrivedTick: number;
  /** Tick when it was answered. */
  answeredTick: number | undefined;
}

/** Decides the answer to a request: a status code, possibly after a wait. */
export type Responder = (request: ReceivedRequest) => number | Promise<number>;

/** A promise a test opens when it wants held requests to go on. */
export class Gate {
  private release!: () => void;
  readonly opened = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  open(): void {
    this.release();
  }
}

/**
 * An HTTP server on 127.0.0.1 that records every request and answers what `respond` says. It can be
 * taken down (`close`: the port refuses connections) and brought back on the same port (`reopen`).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests received and not yet answered, and the most there ever were at once. */
  active = 0;
  maxActive = 0;
  respond: Responder;
  private server: http.Server;
  private readonly sockets = new Set<Socket>();
  private portNumber = 0;
  private tick = 0;

  private constructor(respond: Responder) {
    this.respond = respond;
    this.server = this.createServer();
  }

  /** Starts a receiver on a free port of 127.0.0.1. `respond` defaults to 200. */
  static async start(respond: Responder | number = 200): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(typeof respond === 'number' ? () => respond : respond);
    await receiver.listen(0);
    return receiver;
  }

  get port(): number {
    return this.portNumber;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  url(path = '/hook'): string {
    return `${this.origin}${path}`;
  }

  /** Answers every later request with `status`. */
  answer(status: number): void {
    this.respond = () => status;
  }

  /** Requests to one path. */
  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Stops listening and drops every connection: until `reopen`, connections are refused. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Listens again on the port it had. */
  async reopen(): Promise<void> {
    if (this.server.listening) return;
    this.server = this.createServer();
    await this.listen(this.portNumber);
  }

  /** Polls until `count` requests (matching `where`) have arrived. */
  waitForRequests(
    count: number,
    where: (r: ReceivedRequest) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<ReceivedRequest[]> {
    return waitFor(
      () => {
        const matching = this.requests.filter(where);
        return matching.length >= count ? matching : undefined;
      },
      timeoutMs,
      `${count} webhook requests at ${this.origin}`,
    );
  }

  private async listen(port: number): Promise<void> {
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (server.address() as AddressInfo).port;
  }

  private createServer(): http.Server {
    const server = http.createServer((req, res) => {
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      let counted = true;
      const done = (): void => {
        if (counted) this.active--;
        counted = false;
      };
      res.on('finish', done);
      res.on('close', done);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          index: this.requests.length,
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          answered: undefined,
          arrivedTick: this.tick++,
          answeredTick: undefined,
        };
        this.requests.push(request);
        void (async () => {
          let status = 500;
          try {
            status = await this.respond(request);
          } catch {
            status = 500;
          }
          request.answered = status;
          request.answeredTick = this.tick++;
          res.statusCode = status;
          res.setHeader('content-type', 'text/plain');
          res.end(status >= 200 && status < 300 ? 'ok' : `receiver answers ${status}`);
        })();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }
}

/** A status event's native payload. */
export interface NativeStatusPayload {
  id: string;
  type: string;
  createdAt: string;
  data: {
    messageId: string;
    clientRef: string | null;
    to: string;
    from: string | null;
    status: string;
    final: boolean;
    code: string | null;
    detail: string | null;
    segments: number;
    metadata: unknown;
    timestamps: { createdAt: string; sentAt: string | null; at: string };
  };
}

/** A received native status event: the request, its parsed payload and its header event id. */
export interface ReceivedStatus {
  readonly request: ReceivedRequest;
  readonly headerEventId: string | undefined;
  readonly payload: NativeStatusPayload;
}

/** The native JSON status events among `requests`, in arrival order. */
export function statusEvents(requests: readonly ReceivedRequest[]): ReceivedStatus[] {
  return requests.map((request) => {
    assert.equal(request.method, 'POST');
    assert.match(String(request.headers['content-type']), /^application\/json/);
    const payload = JSON.parse(request.body) as NativeStatusPayload;
    const header = request.headers['smsgate-event-id'];
    return { request, headerEventId: typeof header === 'string' ? header : undefined, payload };
  });
}

/**
 * Valid UK mobile numbers that the sim delivers (none ends in a rule suffix 0000–0003). `block`
 * (10–29 or 70–89: the others are not allocated, so invalid) keeps tests' numbers apart.
 */
export function deliverableNumbers(count: number, block = 20): string[] {
  assert.ok(count <= 9000 && ((block >= 10 && block <= 29) || (block >= 70 && block <= 89)));
  return Array.from({ length: count }, (_, i) => `+447911${block}${String(1000 + i).padStart(4, '0')}`);
}

/** `POST /v1/messages`, asserting 202; returns the accepted message ids in order. */
export async function sendMessages(
  gateway: Gateway,
  body: Record<string, unknown>,
  headers: Record<string, string> = ADMIN_AUTH,
): Promise<string[]> {
  const response = await gateway.http.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
  assert.equal(response.statusCode, 202, response.body);
  return (response.json().messages as { id: string }[]).map((m) => m.id);
}

/** Creates a client account through the admin API; returns its id, key and webhook secret. */
export async function createClientAccount(
  gateway: Gateway,
  name = 'webhook test',
): Promise<{ accountId: string; auth: Record<string, string>; secret: string }> {
  const created = await gateway.http.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: ADMIN_AUTH,
    payload: { name, role: 'client' },
  });
  assert.equal(created.statusCode, 201, created.body);
  const body = created.json() as { id: string; apiKey: { key: string } };
  const auth = { authorization: `Bearer ${body.apiKey.key}` };
  const settings = await gateway.http.inject({
    method: 'GET',
    url: `/v1/accounts/${body.id}/webhooks`,
    headers: auth,
  });
  assert.equal(settings.statusCode, 200, settings.body);
  const { secret } = settings.json() as { secret: string };
  assert.match(secret, /^whsec_/);
  return { accountId: body.id, auth, secret };
}

const FINAL: readonly string[] = FINAL_STATUSES;

/** Waits until every message in `ids` has a final status in the store. */
export async function waitForFinal(store: Store, ids: readonly string[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const rows = await store.db
        .selectFrom('messages')
        .select(['id', 'status'])
        .where('id', 'in', ids)
        .execute();
      return rows.length === ids.length && rows.every((r) => FINAL.includes(r.status)) ? true : undefined;
    },
    timeoutMs,
    `${ids.length} messages to reach a final status`,
  );
}

/** The events of these messages, oldest first (read from the store). */
export async function eventsOf(store: Store, messageIds: readonly string[]): Promise<EventRow[]> {
  if (messageIds.length === 0) return [];
  const rows = await store.db
    .selectFrom('events')
    .selectAll()
    .where('message_id', 'in', messageIds)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/**
 * Waits until these messages are final (so all their events exist: they are written with the
 * status) and none of their events is pending; returns the events, oldest first.
 */
export async function waitForEventsSettled(
  store: Store,
  messageIds: readonly string[],
  timeoutMs = 60_000,
): Promise<EventRow[]> {
  await waitForFinal(store, messageIds, timeoutMs);
  return waitFor(
    async () => {
      const rows = await eventsOf(store, messageIds);
      return rows.every((r) => r.state !== 'pending') ? rows : undefined;
    },
    timeoutMs,
    `the events of ${messageIds.length} messages to settle`,
  );
}

/**
 * The statuses a message's events should report, from its stored history: every transition after
 * the first (the accepted status), except `sending`.
 */
export async function expectedEventStatuses(store: Store, messageId: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom('message_history')
    .select('status')
    .where('message_id', '=', messageId)
    .orderBy('id')
    .execute();
  return rows.slice(1).flatMap((r) => (r.status === 'sending' ? [] : [r.status]));
}

/** An event as `GET /v1/events` shows it. */
export interface EventView {
  id: string;
  type: string;
  accountId: string;
  messageId: string | null;
  status: string | null;
  url: string;
  format: string;
  state: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
}

/** Every event `GET /v1/events` shows to `headers` (following `nextCursor`), newest first. */
export async function listAllEvents(
  gateway: Gateway,
  query: Record<string, string> = {},
  headers: Record<string, string> = ADMIN_AUTH,
): Promise<EventView[]> {
  const out: EventView[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const params: URLSearchParams = new URLSearchParams({
      ...query,
      limit: '250',
      ...(cursor ? { cursor } : {}),
    });
    const response: LightMyRequestResponse = await gateway.http.inject({
      method: 'GET',
      url: `/v1/events?${params}`,
      headers,
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as { data: EventView[]; nextCursor: string | null };
    out.push(...body.data);
    cursor = body.nextCursor;
    if (cursor === null) return out;
  }
  throw new Error('event pages did not end');
}

/**
 * Asserts that, per message, the receiver saw its events strictly in order: no request for an event
 * before an earlier request for the previous event of that message had been answered 2xx, and never
 * an earlier event after a later one. `order` maps each event id to its message and position.
 */
export function assertPerMessageOrder(
  received: readonly ReceivedStatus[],
  order: ReadonlyMap<string, { messageId: string; position: number }>,
): void {
  const byMessage = new Map<string, ReceivedStatus[]>();
  for (const r of received) {
    const place = order.get(r.payload.id);
    assert.ok(place, `unexpected event ${r.payload.id}`);
    const list = byMessage.get(place.messageId) ?? [];
    list.push(r);
    byMessage.set(place.messageId, list);
  }
  for (const [messageId, list] of byMessage) {
    list.sort((a, b) => a.request.arrivedTick - b.request.arrivedTick);
    let position = 0;
    let current: ReceivedStatus[] = [];
    for (const r of list) {
      const at = order.get(r.payload.id)!.position;
      if (at === position) {
        current.push(r);
        continue;
      }
      assert.equal(
        at,
        position + 1,
        `message ${messageId}: event #${at} (${r.payload.data.status}) arrived after event #${position}`,
      );
      const acknowledged = current.some(
        (c) => isSuccess(c.request.answered) && c.request.answeredTick! < r.request.arrivedTick,
      );
      assert.ok(
        acknowledged,
        `message ${messageId}: event #${at} (${r.payload.data.status}) arrived before event #${position} was acknowledged`,
      );
      position = at;
      current = [r];
    }
  }
}

/** Position of each event within its message (0 = first), from events listed oldest first. */
export function eventOrder(
  events: readonly EventRow[],
): Map<string, { messageId: string; position: number }> {
  const next = new Map<string, number>();
  const order = new Map<string, { messageId: string; position: number }>();
  for (const e of events) {
    const messageId = e.message_id!;
    const position = next.get(messageId) ?? 0;
    next.set(messageId, position + 1);
    order.set(e.id, { messageId, position });
  }
  return order;
}

export function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}
