// A fake of a plain JSON SMS API, the kind a user meets and wires up with the generic HTTP connector.
// It is MADE UP (no real provider), so this comment is its documentation:
// - `POST /api/sms`, `Authorization: Bearer <token>`, JSON body
//   `{"recipient":"447911123456" (international digits, no +), "message":"…", "sender":"…"?, "reference":"…"?}`.
// - 200 `{"ok":true,"result":{"id":"<uuid>","status":"accepted"}}`.
// - Failures `{"ok":false,"error":{"code","message"}}`: 401 UNAUTHORIZED; 400 INVALID_RECIPIENT (not
//   digits, or rule 0001; permanent); 429 RATE_LIMITED (rule 0003; retryable, with `Retry-After: 1`);
//   400 BAD_REQUEST (body not that shape); 500/503 INTERNAL (failNext).
// - Status callbacks: POST JSON `{"id","reference","state","reason","at"}` to `statusCallbackUrl`:
//   ACCEPTED, then DELIVERED | FAILED (reason "handset unreachable") | EXPIRED (reason "validity
//   period expired"); `reference` is null when the send had none. No inbound messages. Not a test file.
import { randomUUID } from 'node:crypto';
import {
  type AcceptedMessage,
  asRecord,
  asString,
  FakeProvider,
  type FakeProviderOptions,
  type FinalOutcome,
  pathOf,
  type RecordedRequest,
  type Reply,
} from './fake-provider-base.js';

export interface FakeJsonProviderOptions extends FakeProviderOptions {
  /** The bearer token (default `test-json-token`). */
  readonly token?: string;
  /** Where status callbacks go; none are sent without it. */
  readonly statusCallbackUrl?: string;
}

export const JSON_PROVIDER_ERROR_CODES = [
  'INVALID_RECIPIENT',
  'RATE_LIMITED',
  'UNAUTHORIZED',
  'BAD_REQUEST',
  'INTERNAL',
] as const;
export type JsonProviderErrorCode = (typeof JSON_PROVIDER_ERROR_CODES)[number];

export const JSON_PROVIDER_STATES = ['ACCEPTED', 'DELIVERED', 'FAILED', 'EXPIRED'] as const;
export type JsonProviderState = (typeof JSON_PROVIDER_STATES)[number];

/** A status callback's body. */
export interface JsonProviderCallback {
  readonly id: string;
  readonly reference: string | null;
  readonly state: JsonProviderState;
  readonly reason: string | null;
  /** ISO 8601. */
  readonly at: string;
}

const FINAL: Record<FinalOutcome, { state: JsonProviderState; reason: string | null }> = {
  delivered: { state: 'DELIVERED', reason: null },
  undelivered: { state: 'FAILED', reason: 'handset unreachable' },
  expired: { state: 'EXPIRED', reason: 'validity period expired' },
};

const RECIPIENT = /^[1-9][0-9]{6,14}$/;

function failure(status: number, code: JsonProviderErrorCode, message: string): Reply {
  const headers = status === 429 ? { 'retry-after': '1' } : undefined;
  return { status, body: { ok: false, error: { code, message } }, headers };
}

export class FakeJsonProvider extends FakeProvider {
  readonly token: string;
  private readonly statusCallbackUrl: string | undefined;

  private constructor(options: FakeJsonProviderOptions) {
    super(options);
    this.token = options.token ?? 'test-json-token';
    this.statusCallbackUrl = options.statusCallbackUrl;
  }

  /** Starts a fake listening on 127.0.0.1. */
  static async start(options: FakeJsonProviderOptions = {}): Promise<FakeJsonProvider> {
    const fake = new FakeJsonProvider(options);
    await fake.up();
    return fake;
  }

  protected isSendRequest(request: RecordedRequest): boolean {
    return request.method === 'POST' && pathOf(request) === '/api/sms';
  }

  protected failureReply(status: number): Reply {
    if (status === 401) return failure(401, 'UNAUTHORIZED', 'invalid or missing token');
    if (status === 429) return failure(429, 'RATE_LIMITED', 'too many requests');
    if (status < 500) return failure(status, 'BAD_REQUEST', 'bad request');
    return failure(status, 'INTERNAL', 'internal error');
  }

  protected handle(request: RecordedRequest): Reply {
    if (!this.isSendRequest(request)) return failure(404, 'BAD_REQUEST', 'no such endpoint');
    if (request.headers.authorization !== `Bearer ${this.token}`) return this.failureReply(401);
    const body = asRecord(request.body);
    const recipient = asString(body?.recipient);
    const text = asString(body?.message);
    const reference = body?.reference;
    if (!body || recipient === undefined || text === undefined) {
      return failure(400, 'BAD_REQUEST', 'recipient and message are required');
    }
    if (reference !== undefined && typeof reference !== 'string') {
      return failure(400, 'BAD_REQUEST', 'reference must be a string');
    }
    const invalid = failure(400, 'INVALID_RECIPIENT', `invalid recipient ${recipient}`);
    if (!RECIPIENT.test(recipient)) return invalid;
    const disposition = this.dispose(recipient);
    if (disposition.kind === 'invalid') return invalid;
    if (disposition.kind === 'throttled') return failure(429, 'RATE_LIMITED', 'rate limit exceeded');
    const message = this.accept({
      id: randomUUID(),
      to: recipient,
      from: asString(body.sender),
      text,
      clientReference: reference,
      outcome: disposition.outcome,
      requestIndex: request.index,
    });
    this.reportStatuses(message);
    return { status: 200, body: { ok: true, result: { id: message.id, status: 'accepted' } } };
  }

  private reportStatuses(message: AcceptedMessage): void {
    const url = this.statusCallbackUrl;
    if (url === undefined) return;
    const at = Date.now();
    const report = (state: { state: JsonProviderState; reason: string | null }, time: number) => {
      const body: JsonProviderCallback = {
        id: message.id,
        reference: message.clientReference ?? null,
        ...state,
        at: new Date(time).toISOString(),
      };
      return {
        url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        label: state.state,
      };
    };
    this.callbacks.enqueue([
      report({ state: 'ACCEPTED', reason: null }, at),
      report(FINAL[message.outcome], at + 1),
    ]);
  }
}
