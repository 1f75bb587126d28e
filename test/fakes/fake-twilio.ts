// A fake Twilio Programmable Messaging API (the documented Messages resource):
// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic `AccountSid:AuthToken`, a form
// body (`To` E.164, `From`, `Body`, optional `StatusCallback`), 201 with the Message resource, and
// Twilio's JSON errors (`code, message, more_info, status`). Status callbacks are form POSTs to the
// request's `StatusCallback`, signed with `X-Twilio-Signature` (see {@link twilioSignature}); Twilio
// sends none for the initial `queued`. Outcomes: delivered → `sent`, `delivered`; undelivered →
// `sent`, `undelivered` + ErrorCode 30003 (Unreachable destination handset); expired → only `failed`
// + ErrorCode 30036 (Validity Period Expired: the message outlived its ValidityPeriod in Twilio's
// queue, so it was never sent). Real Twilio retries callbacks only when asked (#rc= connection
// overrides); this fake retries them like the others. Not a test file.
import { createHmac } from 'node:crypto';
import {
  type AcceptedMessage,
  asRecord,
  asString,
  basicCredentials,
  FakeProvider,
  type FakeProviderOptions,
  type OutgoingCallback,
  pathOf,
  type RecordedRequest,
  type Reply,
  randomHex,
} from './fake-provider-base.js';

export interface FakeTwilioOptions extends FakeProviderOptions {
  /** `AC` + 32 hex (default random). */
  readonly accountSid?: string;
  /** Default random 32 hex. */
  readonly authToken?: string;
  /** The number's "a message comes in" webhook, where `sendInbound` posts. */
  readonly inboundUrl?: string;
}

/** A Twilio REST error body. */
export interface TwilioError {
  readonly code: number;
  readonly message: string;
  readonly more_info: string;
  readonly status: number;
}

/** An MO message for `sendInbound`. */
export interface TwilioInbound {
  readonly from: string;
  readonly to: string;
  readonly body: string;
}

/**
 * `X-Twilio-Signature` as Twilio documents it: base64 HMAC-SHA1, keyed with the AuthToken, of the
 * full URL followed by every POST parameter, sorted by name, as name + value.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

const API_VERSION = '2010-04-01';
const SEND_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;

function error(status: number, code: number, message: string): Reply {
  const body: TwilioError = {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
  return { status, body };
}

/** RFC 2822 dates, as Twilio writes them. */
function rfc2822(time: number): string {
  return new Date(time).toUTCString().replace('GMT', '+0000');
}

export class FakeTwilio extends FakeProvider {
  readonly accountSid: string;
  readonly authToken: string;
  private readonly inboundUrl: string | undefined;

  private constructor(options: FakeTwilioOptions) {
    super(options);
    this.accountSid = options.accountSid ?? `AC${randomHex(16)}`;
    this.authToken = options.authToken ?? randomHex(16);
    this.inboundUrl = options.inboundUrl;
  }

  /** Starts a fake listening on 127.0.0.1. */
  static async start(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
    const fake = new FakeTwilio(options);
    await fake.up();
    return fake;
  }

  /** The path messages are sent to. */
  get messagesPath(): string {
    return `/${API_VERSION}/Accounts/${this.accountSid}/Messages.json`;
  }

  /** Posts an incoming message to `inboundUrl` (signed, retried); returns its MessageSid. */
  async sendInbound(mo: TwilioInbound): Promise<{ messageSid: string; acknowledged: boolean }> {
    if (this.inboundUrl === undefined) throw new Error('FakeTwilio: no inboundUrl');
    const messageSid = `SM${randomHex(16)}`;
    const params = {
      MessageSid: messageSid,
      SmsSid: messageSid,
      SmsMessageSid: messageSid,
      AccountSid: this.accountSid,
      From: mo.from,
      To: mo.to,
      Body: mo.body,
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: API_VERSION,
    };
    const acknowledged = await this.callbacks.send(this.signed(this.inboundUrl, params, 'received'));
    return { messageSid, acknowledged };
  }

  protected isSendRequest(request: RecordedRequest): boolean {
    return request.method === 'POST' && SEND_PATH.test(pathOf(request));
  }

  protected failureReply(status: number): Reply {
    if (status === 401) return error(401, 20003, 'Authenticate');
    if (status === 429) return error(429, 20429, 'Too Many Requests');
    if (status === 503) return error(503, 20503, 'Service Unavailable');
    if (status >= 500) return error(status, 20500, 'Internal Server Error');
    return error(status, 21602, 'Message body is required.');
  }

  protected handle(request: RecordedRequest): Reply {
    const sid = SEND_PATH.exec(pathOf(request))?.[1];
    if (request.method !== 'POST' || sid === undefined) {
      return error(404, 20404, `The requested resource ${pathOf(request)} was not found`);
    }
    const credentials = basicCredentials(request.headers.authorization);
    if (credentials?.user !== this.accountSid || credentials.password !== this.authToken) {
      return {
        ...error(401, 20003, 'Authenticate'),
        headers: { 'www-authenticate': 'Basic realm="Twilio API"' },
      };
    }
    if (sid !== this.accountSid) {
      return error(404, 20404, `The requested resource ${pathOf(request)} was not found`);
    }
    const form = asRecord(request.body) ?? {};
    const [to, from, body] = [asString(form.To), asString(form.From), asString(form.Body)];
    if (!to) return error(400, 21604, "A 'To' phone number is required.");
    if (!from) return error(400, 21603, "A 'From' phone number is required.");
    if (!body) return error(400, 21602, 'Message body is required.');
    const invalid = error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!E164.test(to)) return invalid;
    const disposition = this.dispose(to);
    if (disposition.kind === 'invalid') return invalid;
    if (disposition.kind === 'throttled') return error(429, 20429, 'Too Many Requests');
    const message = this.accept({
      id: `SM${randomHex(16)}`,
      to,
      from,
      text: body,
      clientReference: undefined,
      outcome: disposition.outcome,
      requestIndex: request.index,
    });
    const statusCallback = asString(form.StatusCallback);
    if (statusCallback) this.reportStatuses(message, statusCallback);
    return { status: 201, body: this.resource(message, statusCallback) };
  }

  private resource(message: AcceptedMessage, statusCallback: string | undefined): Record<string, unknown> {
    const now = rfc2822(Date.now());
    const uri = `/${API_VERSION}/Accounts/${this.accountSid}/Messages/${message.id}`;
    return {
      account_sid: this.accountSid,
      api_version: API_VERSION,
      body: message.text,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: message.from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: String(segments(message.text)),
      price: null,
      price_unit: 'USD',
      sid: message.id,
      status: 'queued',
      status_callback: statusCallback ?? null,
      subresource_uris: { media: `${uri}/Media.json` },
      to: message.to,
      uri: `${uri}.json`,
    };
  }

  private reportStatuses(message: AcceptedMessage, url: string): void {
    const report = (status: string, errorCode?: string): OutgoingCallback => {
      const params: Record<string, string> = {
        MessageSid: message.id,
        SmsSid: message.id,
        MessageStatus: status,
        SmsStatus: status,
        AccountSid: this.accountSid,
        From: message.from ?? '',
        To: message.to,
        ApiVersion: API_VERSION,
        ...(errorCode ? { ErrorCode: errorCode } : {}),
      };
      return this.signed(url, params, status);
    };
    const reports =
      message.outcome === 'delivered'
        ? [report('sent'), report('delivered')]
        : message.outcome === 'undelivered'
          ? [report('sent'), report('undelivered', '30003')]
          : [report('failed', '30036')];
    this.callbacks.enqueue(reports);
  }

  private signed(url: string, params: Record<string, string>, label: string): OutgoingCallback {
    return {
      url,
      label,
      body: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(this.authToken, url, params),
        'i-twilio-idempotency-token': randomHex(16),
      },
    };
  }
}

/** Segments of a text: GSM-7 (approximated as printable ASCII) 160/153, else UCS-2 70/67. */
function segments(text: string): number {
  const [single, multi] = /^[\x0a\x0d\x20-\x7e]*$/.test(text) ? [160, 153] : [70, 67];
  return text.length <= single ? 1 : Math.ceil(text.length / multi);
}
