// A fake Grandcom. Grandcom publishes no API documentation; the seed only shows its per-message
// result (`apiMessageId, accepted, to, error, hasError`, plus an echo `msg` this fake leaves out) and
// a request shaped like Clickatell's (`channel, to, content, clientMessageId`). Everything else here
// is an ASSUMPTION, to be corrected when the real API is known:
// - `POST /api/v1/messages`, HTTP Basic auth; anything else → 401 `{"messages":[],"error":"unauthorized"}`.
// - JSON body `{"messages":[{channel:"sms", to:"+447911123456" (E.164 with +), content, from?,
//   clientMessageId}]}`, at most 100 → 400 `{"messages":[],"error":"too many messages"}`; a body that
//   is not that shape (bad JSON, no messages, a message without string to/content) → 400 "bad request".
// - Always 200 otherwise: `{"messages":[{apiMessageId:"GC-<uuid>", accepted:true, to, error:null,
//   hasError:false}], "error":null}`; a refused message is `{accepted:false, hasError:true, to, error}`
//   with error "invalid destination" (not E.164, rule 0001, permanent), "missing clientMessageId"
//   (permanent) or "throttled" (rule 0003, retryable).
// - 5xx (failNext) → `{"messages":[],"error":"service unavailable"}`.
// - Status callbacks: POST JSON `{apiMessageId, clientMessageId, to, status, error, timestamp (ISO)}`
//   to `statusCallbackUrl`: SENT, then DELIVERED | UNDELIVERED | EXPIRED; no signature.
// - No inbound (MO) callbacks. Not a test file.
import { randomUUID } from 'node:crypto';
import {
  type AcceptedMessage,
  asRecord,
  asString,
  basicCredentials,
  FakeProvider,
  type FakeProviderOptions,
  type FinalOutcome,
  pathOf,
  type RecordedRequest,
  type Reply,
} from './fake-provider-base.js';

export interface FakeGrandcomOptions extends FakeProviderOptions {
  /** Basic auth user name (default `smsgate`). */
  readonly username?: string;
  /** Basic auth password (default `grandcom-secret`). */
  readonly password?: string;
  /** Where status callbacks go; none are sent without it. */
  readonly statusCallbackUrl?: string;
}

/** One entry of a send response's `messages`. */
export interface GrandcomMessageResult {
  /** `GC-<uuid>`; absent when not accepted. */
  readonly apiMessageId?: string;
  readonly accepted: boolean;
  readonly to: string;
  readonly error: string | null;
  readonly hasError: boolean;
}

export const GRANDCOM_STATUSES = ['SENT', 'DELIVERED', 'UNDELIVERED', 'EXPIRED'] as const;
export type GrandcomStatus = (typeof GRANDCOM_STATUSES)[number];

/** A status callback's body. */
export interface GrandcomStatusCallback {
  readonly apiMessageId: string;
  readonly clientMessageId: string;
  readonly to: string;
  readonly status: GrandcomStatus;
  readonly error: string | null;
  /** ISO 8601. */
  readonly timestamp: string;
}

const FINAL: Record<FinalOutcome, { status: GrandcomStatus; error: string | null }> = {
  delivered: { status: 'DELIVERED', error: null },
  undelivered: { status: 'UNDELIVERED', error: 'delivery failed' },
  expired: { status: 'EXPIRED', error: 'validity period expired' },
};

const E164 = /^\+[1-9][0-9]{6,14}$/;

export class FakeGrandcom extends FakeProvider {
  static readonly MAX_MESSAGES = 100;
  readonly username: string;
  readonly password: string;
  private readonly statusCallbackUrl: string | undefined;

  private constructor(options: FakeGrandcomOptions) {
    super(options);
    this.username = options.username ?? 'smsgate';
    this.password = options.password ?? 'grandcom-secret';
    this.statusCallbackUrl = options.statusCallbackUrl;
  }

  /** Starts a fake listening on 127.0.0.1. */
  static async start(options: FakeGrandcomOptions = {}): Promise<FakeGrandcom> {
    const fake = new FakeGrandcom(options);
    await fake.up();
    return fake;
  }

  protected isSendRequest(request: RecordedRequest): boolean {
    return request.method === 'POST' && pathOf(request) === '/api/v1/messages';
  }

  protected failureReply(status: number): Reply {
    const error =
      status === 401
        ? 'unauthorized'
        : status === 429
          ? 'throttled'
          : status >= 500
            ? 'service unavailable'
            : 'bad request';
    return { status, body: { messages: [], error } };
  }

  protected handle(request: RecordedRequest): Reply {
    if (!this.isSendRequest(request)) return { status: 404, body: { messages: [], error: 'not found' } };
    const credentials = basicCredentials(request.headers.authorization);
    if (credentials?.user !== this.username || credentials.password !== this.password) {
      return this.failureReply(401);
    }
    const list = asRecord(request.body)?.messages;
    if (!Array.isArray(list) || list.length === 0) return this.failureReply(400);
    if (list.length > FakeGrandcom.MAX_MESSAGES) {
      return { status: 400, body: { messages: [], error: 'too many messages' } };
    }
    const parsed = list.map(asRecord);
    if (parsed.some((m) => asString(m?.to) === undefined || asString(m?.content) === undefined)) {
      return this.failureReply(400);
    }
    const messages = parsed.map((m) => this.sendOne(m!, request.index));
    return { status: 200, body: { messages, error: null } };
  }

  private sendOne(m: Record<string, unknown>, requestIndex: number): GrandcomMessageResult {
    const to = m.to as string;
    const refuse = (error: string): GrandcomMessageResult => ({ accepted: false, hasError: true, to, error });
    const clientMessageId = asString(m.clientMessageId);
    if (!E164.test(to)) return refuse('invalid destination');
    if (clientMessageId === undefined) return refuse('missing clientMessageId');
    const disposition = this.dispose(to);
    if (disposition.kind === 'invalid') return refuse('invalid destination');
    if (disposition.kind === 'throttled') return refuse('throttled');
    const message = this.accept({
      id: `GC-${randomUUID()}`,
      to,
      from: asString(m.from),
      text: m.content as string,
      clientReference: clientMessageId,
      outcome: disposition.outcome,
      requestIndex,
    });
    this.reportStatuses(message);
    return { apiMessageId: message.id, accepted: true, to, error: null, hasError: false };
  }

  private reportStatuses(message: AcceptedMessage): void {
    const url = this.statusCallbackUrl;
    if (url === undefined) return;
    const at = Date.now();
    const report = (state: { status: GrandcomStatus; error: string | null }, time: number) => {
      const body: GrandcomStatusCallback = {
        apiMessageId: message.id,
        clientMessageId: message.clientReference!,
        to: message.to,
        ...state,
        timestamp: new Date(time).toISOString(),
      };
      return {
        url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        label: state.status,
      };
    };
    this.callbacks.enqueue([
      report({ status: 'SENT', error: null }, at),
      report(FINAL[message.outcome], at + 1),
    ]);
  }
}
