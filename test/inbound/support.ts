// Helpers shared by the inbound, reply-correlation and opt-out tests (test/inbound/*.test.ts).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import type { Headers } from '../api/support.js';
import { ADMIN_AUTH, startTestGateway, waitFor } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';

/** Webhook settings every inbound test gateway needs: receivers listen on 127.0.0.1. */
export const TEST_WEBHOOKS = { allowPrivateAddresses: true, ...FAST_WEBHOOKS } as const;

/** A test gateway (sim connector) that may deliver webhooks to 127.0.0.1. */
export function startInboundGateway(store: Store, config: ConfigInput = {}): Promise<Gateway> {
  return startTestGateway(store, {
    config: { ...config, webhooks: { ...TEST_WEBHOOKS, ...config.webhooks } },
  });
}

let numberCounter = 100;

/**
 * A valid UK mobile number no other test in this process uses (+447911 2xxxxx, never ending in one
 * of the sim connector's special suffixes 0000–0003).
 */
export function freshNumber(): string {
  numberCounter++;
  if (numberCounter % 10_000 < 10) numberCounter += 10;
  return `+447911${200_000 + numberCounter}`;
}

/** The sender ids the tests send from. */
export const SENDER = '+447911000001';
export const OTHER_SENDER = '+447911000002';
export const SHORT_CODE = '12345';

/** `inject` with a JSON body. */
export function request(
  gateway: Gateway,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Headers = ADMIN_AUTH,
): Promise<LightMyRequestResponse> {
  return gateway.http.inject({
    method,
    url,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** `POST /v1/connectors/:name/inbound` (admin), asserting 202. */
export async function simulateInbound(
  gateway: Gateway,
  message: { from: string; to: string; text: string },
  connector = 'sim',
): Promise<void> {
  const response = await request(gateway, 'POST', `/v1/connectors/${connector}/inbound`, message);
  assert.equal(response.statusCode, 202, response.body);
  assert.deepEqual(response.json(), { accepted: true });
}

export interface InboundView {
  id: string;
  accountId: string | null;
  connector: string;
  from: string;
  to: string;
  text: string;
  inReplyTo: string | null;
  keyword: 'stop' | 'start' | null;
  receivedAt: string;
}

/** `GET /v1/inbound` with a query, asserting 200. */
export async function listInbound(
  gateway: Gateway,
  query: Record<string, string | number> = {},
  headers: Headers = ADMIN_AUTH,
): Promise<{ data: InboundView[]; nextCursor: string | null }> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const qs = params.toString();
  const response = await request(gateway, 'GET', `/v1/inbound${qs ? `?${qs}` : ''}`, undefined, headers);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/** The inbound messages from `from` (admin view), newest first. */
export async function inboundFrom(gateway: Gateway, from: string): Promise<InboundView[]> {
  return (await listInbound(gateway, { from })).data;
}

/** The only inbound message from `from` (admin view). */
export async function onlyInboundFrom(gateway: Gateway, from: string): Promise<InboundView> {
  const rows = await inboundFrom(gateway, from);
  assert.equal(rows.length, 1, `one inbound message from ${from}: ${JSON.stringify(rows)}`);
  return rows[0]!;
}

/** `GET /v1/opt-outs` numbers of the caller's account (or `accountId`), asserting 200. */
export async function optedOutNumbers(
  gateway: Gateway,
  headers: Headers = ADMIN_AUTH,
  accountId?: string,
): Promise<{ accountId: string; data: { number: string; source: string; inboundId: string | null }[] }> {
  const url = accountId ? `/v1/opt-outs?accountId=${encodeURIComponent(accountId)}` : '/v1/opt-outs';
  const response = await request(gateway, 'GET', url, undefined, headers);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/** Sets the account's inbound webhook URL (as the account itself or an admin). */
export async function setInboundWebhook(
  gateway: Gateway,
  accountId: string,
  url: string | null,
  headers: Headers = ADMIN_AUTH,
): Promise<void> {
  const response = await request(
    gateway,
    'PUT',
    `/v1/accounts/${accountId}/webhooks`,
    { inboundUrl: url },
    headers,
  );
  assert.equal(response.statusCode, 200, response.body);
}

export interface ReceivedWebhook {
  path: string;
  body: {
    id: string;
    type: string;
    createdAt: string;
    data: {
      inboundId: string;
      from: string;
      to: string;
      text: string;
      connector: string;
      receivedAt: string;
      inReplyTo: string | null;
      inReplyToClientRef: string | null;
      keyword: string | null;
    };
  };
}

/** A real HTTP server on 127.0.0.1 that records every webhook POSTed to it (and answers 200). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', body: JSON.parse(body) as ReceivedWebhook['body'] });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Waits for the inbound event of the stored inbound message `inboundId`. */
  eventFor(inboundId: string): Promise<ReceivedWebhook> {
    return waitFor(
      () => this.received.find((r) => r.body.data?.inboundId === inboundId),
      10_000,
      `the webhook of ${inboundId}`,
    );
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** Messages in the store, every account (counted in the database). */
export async function countMessages(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Moves a message's creation time back (an outbound sent long ago). */
export async function backdateMessage(store: Store, id: string, ageMs: number): Promise<void> {
  await store.db
    .updateTable('messages')
    .set({ created_at: Date.now() - ageMs })
    .where('id', '=', id)
    .execute();
}
