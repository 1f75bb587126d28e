// A fake Clickatell One API (see ../../../shared/reference/clickatell-platform-api.md):
// `POST /v1/message` with `Authorization: <api key>` (the bare key), up to 200 messages a request,
// 202 / 207 / 400 answers with per-message results, and One API callbacks (status and MO) as JSON
// envelopes. It also takes the Platform HTTP GET send, `GET /messages/http/send?apiKey=…&to=…&content=…
// [&from=…]`, whose `to` is a comma-separated list, answered with the same JSON; like a lenient
// server it takes every `to` parameter a query repeats, so tests see each recipient a request named. Clickatell retries unacknowledged callbacks (duplicates) and may deliver them out of
// order; `duplicateCallbacks` and `shuffleCallbacks` reproduce both. Not a test file.
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
  randomHex,
} from './fake-provider-base.js';

export interface FakeClickatellOptions extends FakeProviderOptions {
  /** The integration API key (default `test-clickatell-key`). */
  readonly apiKey?: string;
  /** Where status callbacks go; none are sent without it. */
  readonly statusCallbackUrl?: string;
  /** Where `sendInbound` posts MO messages. */
  readonly moCallbackUrl?: string;
  readonly integrationId?: string;
  readonly integrationName?: string;
}

/** A One API error, top-level or per message. */
export interface ClickatellError {
  readonly code: number;
  readonly description: string;
}

/** One entry of a send response's `messages`. */
export interface ClickatellMessageResult {
  /** 32 hex digits; absent when not accepted. */
  readonly apiMessageId?: string;
  readonly accepted: boolean;
  readonly to: string;
  readonly error: ClickatellError | null;
}

/** One `event.messageStatusUpdate[]` entry of a status callback. */
export interface ClickatellStatusUpdate {
  readonly channel: 'sms';
  readonly messageId: string;
  readonly clientMessageId?: string;
  /** Epoch milliseconds: order events by it. */
  readonly timestamp: number;
  readonly statusCode: number;
  readonly status: string;
}

/** An MO message for `sendInbound`. */
export interface ClickatellInbound {
  readonly from: string;
  readonly to: string;
  readonly content: string;
  readonly relatedMessageId?: string;
  readonly relatedClientMessageId?: string;
}

/** The statuses the fake reports: the intermediate one, then one per final outcome. */
export const CLICKATELL_STATUSES = {
  sent: { statusCode: 4, status: 'SENT_TO_SUPPLIER' },
  delivered: { statusCode: 5, status: 'DEVICE_ACK' },
  undelivered: { statusCode: 23, status: 'DELIVERY_FAILURE' },
  expired: { statusCode: 20, status: 'EXPIRED' },
} as const satisfies Record<'sent' | FinalOutcome, { statusCode: number; status: string }>;

const ERRORS = {
  auth: { code: 1, description: 'Invalid or missing Integration API Key' },
  internal: { code: 18, description: 'Internal error' },
  unavailable: { code: 19, description: 'Internal error, please retry' },
  balance: { code: 20, description: 'Insufficient account balance' },
  malformed: { code: 21, description: 'Malformed request payload' },
  tooMany: { code: 22, description: 'Too many messages' },
  recipient: { code: 25, description: 'Invalid recipient address' },
  rate: { code: 43, description: 'Rate limit exceeded' },
} as const satisfies Record<string, ClickatellError>;

/** The Platform HTTP API's send (reference §2). */
export const HTTP_SEND_PATH = '/messages/http/send';

/** International format, digits only: no `+`, no `00`. */
const RECIPIENT = /^[1-9][0-9]{6,14}$/;

export class FakeClickatell extends FakeProvider {
  static readonly MAX_MESSAGES = 200;
  readonly apiKey: string;
  readonly integrationId: string;
  readonly integrationName: string;
  private readonly statusCallbackUrl: string | undefined;
  private readonly moCallbackUrl: string | undefined;

  private constructor(options: FakeClickatellOptions) {
    super(options);
    this.apiKey = options.apiKey ?? 'test-clickatell-key';
    this.integrationId = options.integrationId ?? randomHex(16);
    this.integrationName = options.integrationName ?? 'smsgate fake';
    this.statusCallbackUrl = options.statusCallbackUrl;
    this.moCallbackUrl = options.moCallbackUrl;
  }

  /** Starts a fake listening on 127.0.0.1. */
  static async start(options: FakeClickatellOptions = {}): Promise<FakeClickatell> {
    const fake = new FakeClickatell(options);
    await fake.up();
    return fake;
  }

  /** Posts an MO message to `moCallbackUrl` (retried like status callbacks); returns its messageId. */
  async sendInbound(mo: ClickatellInbound): Promise<{ messageId: string; acknowledged: boolean }> {
    if (this.moCallbackUrl === undefined) throw new Error('FakeClickatell: no moCallbackUrl');
    const messageId = randomHex(16);
    const moText = { channel: 'sms', messageId, ...mo, timestamp: Date.now(), charset: 'UTF-8' };
    const acknowledged = await this.callbacks.send({
      url: this.moCallbackUrl,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.envelope({ moText: [moText] })),
      label: 'moText',
    });
    return { messageId, acknowledged };
  }

  protected isSendRequest(request: RecordedRequest): boolean {
    return (
      (request.method === 'POST' && pathOf(request) === '/v1/message') ||
      (request.method === 'GET' && pathOf(request) === HTTP_SEND_PATH)
    );
  }

  protected failureReply(status: number): Reply {
    const error =
      status === 401
        ? ERRORS.auth
        : status === 402
          ? ERRORS.balance
          : status === 503
            ? ERRORS.unavailable
            : status < 500
              ? ERRORS.malformed
              : ERRORS.internal;
    return { status, body: { messages: [], error } };
  }

  protected handle(request: RecordedRequest): Reply {
    if (!this.isSendRequest(request)) return { status: 404, body: { messages: [], error: null } };
    if (request.method === 'GET') return this.handleHttpSend(request);
    if (request.headers.authorization !== this.apiKey) return this.failureReply(401);
    const list = asRecord(request.body)?.messages;
    if (!Array.isArray(list) || list.length === 0) return this.failureReply(400);
    if (list.length > FakeClickatell.MAX_MESSAGES) {
      return { status: 400, body: { messages: [], error: ERRORS.tooMany } };
    }
    const parsed = list.map(asRecord);
    if (parsed.some((m) => asString(m?.to) === undefined || asString(m?.content) === undefined)) {
      return this.failureReply(400);
    }
    return this.answer(parsed.map((m) => this.sendOne(m!, request.index)));
  }

  /** `GET /messages/http/send`: the key and one message in the query, a recipient list in `to`. */
  private handleHttpSend(request: RecordedRequest): Reply {
    const mark = request.path.indexOf('?');
    const query = new URLSearchParams(mark < 0 ? '' : request.path.slice(mark + 1));
    if (query.get('apiKey') !== this.apiKey) return this.failureReply(401);
    const recipients = query.getAll('to').flatMap((to) => to.split(','));
    const content = query.get('content');
    if (recipients.length === 0 || content === null) return this.failureReply(400);
    if (recipients.length > FakeClickatell.MAX_MESSAGES) {
      return { status: 400, body: { messages: [], error: ERRORS.tooMany } };
    }
    const from = query.get('from') ?? undefined;
    return this.answer(recipients.map((to) => this.sendOne({ to, content, from }, request.index)));
  }

  private answer(results: ClickatellMessageResult[]): Reply {
    const accepted = results.filter((r) => r.accepted).length;
    const status = accepted === results.length ? 202 : accepted > 0 ? 207 : 400;
    return { status, body: { messages: results, error: null } };
  }

  private sendOne(m: Record<string, unknown>, requestIndex: number): ClickatellMessageResult {
    const to = m.to as string;
    const refuse = (error: ClickatellError): ClickatellMessageResult => ({ accepted: false, to, error });
    if (!RECIPIENT.test(to)) return refuse(ERRORS.recipient);
    const disposition = this.dispose(to);
    if (disposition.kind === 'invalid') return refuse(ERRORS.recipient);
    if (disposition.kind === 'throttled') return refuse(ERRORS.rate);
    const message = this.accept({
      id: randomHex(16),
      to,
      from: asString(m.from),
      text: m.content as string,
      clientReference: asString(m.clientMessageId),
      outcome: disposition.outcome,
      requestIndex,
    });
    this.reportStatuses(message);
    return { apiMessageId: message.id, accepted: true, to, error: null };
  }

  private reportStatuses(message: AcceptedMessage): void {
    const url = this.statusCallbackUrl;
    if (url === undefined) return;
    const at = Date.now();
    const update = (status: { statusCode: number; status: string }, timestamp: number) => ({
      url,
      headers: { 'content-type': 'application/json' },
      label: status.status,
      body: JSON.stringify(
        this.envelope({
          messageStatusUpdate: [
            {
              channel: 'sms',
              messageId: message.id,
              clientMessageId: message.clientReference,
              timestamp,
              ...status,
            } satisfies ClickatellStatusUpdate,
          ],
        }),
      ),
    });
    this.callbacks.enqueue([
      update(CLICKATELL_STATUSES.sent, at),
      update(CLICKATELL_STATUSES[message.outcome], at + 1),
    ]);
  }

  private envelope(event: Record<string, unknown>): Record<string, unknown> {
    return { integrationId: this.integrationId, integrationName: this.integrationName, event };
  }
}
