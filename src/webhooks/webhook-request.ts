import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { publicExcerpt } from '../core/public-excerpt.js';
import { type AddressPolicy, addressRefusal, urlRefusal } from './address-guard.js';

/** One webhook delivery attempt: a POST of `body` to `url` (or a GET with `body` as its query). */
export interface WebhookRequest {
  readonly url: string;
  /** POST when absent; GET sends `body` (a form) as the URL's query and no body. */
  readonly method?: 'GET' | 'POST';
  readonly contentType: string;
  readonly body: string;
  /** Extra headers (signatures, auth). Framing headers (content-length, host, …) are ours and ignored. */
  readonly headers: Readonly<Record<string, string>>;
  /** Deadline for the whole exchange, redirects included: connect, send, response and body. */
  readonly timeoutMs: number;
}

/** How an attempt ended. Only `error` is worth retrying; `refused` never will succeed. */
export type WebhookOutcome =
  /** Any HTTP response; `detail` is a sanitised excerpt (≤100 characters) of its body, or a note. */
  | { kind: 'response'; status: number; detail: string }
  /** The URL or the address guard refused the request: permanent. */
  | { kind: 'refused'; detail: string }
  /** Network error, DNS failure or timeout: retryable. */
  | { kind: 'error'; detail: string };

/** The error code our guarded lookup fails with, so a refused address is told apart from DNS trouble. */
export const SSRF_ERROR_CODE = 'ESSRF';

const USER_AGENT = 'smsgate-webhooks';
const MAX_BODY_BYTES = 64 * 1024;
/** How much of a receiver's answer an event's `lastError` may show its account. */
const MAX_DETAIL_CHARS = 100;
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const OUR_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'host',
]);

/**
 * A `lookup` for sockets that resolves every address of `hostname` and fails with code `ESSRF` if any
 * of them is refused by the policy. The socket then connects to an address we checked, so a name
 * that re-resolves to an internal address between check and connect (DNS rebinding) cannot get by.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), '');
      }
      for (const { address } of addresses) {
        const refusal = addressRefusal(address, policy);
        if (refusal !== null) {
          return callback(Object.assign(new Error(`${hostname}: ${refusal}`), { code: SSRF_ERROR_CODE }), '');
        }
      }
      // Node's net asks for every address when it races IPv4 and IPv6 (autoSelectFamily), one otherwise.
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** What one HTTP exchange gave: an outcome, plus the Location of a response that has one. */
type Exchange = WebhookOutcome & { location?: string };

/**
 * Sends webhook POSTs through keep-alive agents, refusing addresses the policy forbids both for IP
 * literals (checked up front) and for hostnames (checked at lookup time). Redirects are followed only
 * within the same origin.
 */
export class WebhookClient {
  readonly #policy: AddressPolicy;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  readonly #lookup: LookupFunction;

  constructor(policy: AddressPolicy, options: { maxSocketsPerOrigin?: number } = {}) {
    this.#policy = policy;
    this.#lookup = guardedLookup(policy);
    const maxSockets = options.maxSocketsPerOrigin ?? 8;
    if (!Number.isInteger(maxSockets) || maxSockets < 1) {
      throw new RangeError(`maxSocketsPerOrigin must be a positive integer, got ${maxSockets}`);
    }
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets, lookup: this.#lookup });
    this.#httpsAgent = new https.Agent({ keepAlive: true, maxSockets, lookup: this.#lookup });
  }

  /** Sends the request (POST, or GET), following at most three same-origin redirects. Never rejects for network trouble. */
  async post(request: WebhookRequest): Promise<WebhookOutcome> {
    if (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number, got ${request.timeoutMs}`);
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
    try {
      let url = request.url;
      for (let hop = 0; ; hop++) {
        const refusal = urlRefusal(url, this.#policy);
        if (refusal !== null) return { kind: 'refused', detail: refusal };
        const current = new URL(url);
        const { location, ...outcome } = await this.#exchange(current, request, deadline.signal);
        if (outcome.kind !== 'response' || !REDIRECT_STATUSES.has(outcome.status) || location === undefined) {
          return outcome;
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          return { ...outcome, detail: `redirect to an invalid Location not followed: ${location}` };
        }
        if (next.protocol !== current.protocol || next.host !== current.host) {
          return {
            ...outcome,
            detail: `redirect to another host not followed: ${next.protocol}//${next.host}`,
          };
        }
        if (hop === MAX_REDIRECTS) {
          return {
            ...outcome,
            detail: `too many redirects: stopped after ${MAX_REDIRECTS}, next ${next.href}`,
          };
        }
        url = next.href;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes idle keep-alive sockets and any in use; later posts open new ones. */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  #exchange(url: URL, request: WebhookRequest, signal: AbortSignal): Promise<Exchange> {
    const timedOut: Exchange = { kind: 'error', detail: `timed out after ${request.timeoutMs} ms` };
    if (signal.aborted) return Promise.resolve(timedOut);
    const get = request.method === 'GET';
    const body = Buffer.from(get ? '' : request.body, 'utf8');
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    for (const [name, value] of Object.entries(request.headers)) {
      if (!OUR_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    const target = get && request.body !== '' ? withQuery(url, request.body) : url;
    if (!get) {
      headers['content-type'] = request.contentType;
      headers['content-length'] = String(body.length);
    }

    return new Promise<Exchange>((resolve) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      let response: http.IncomingMessage | undefined;
      const finish = (exchange: Exchange): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(exchange);
      };
      const onAbort = (): void => {
        finish(timedOut);
        req?.destroy();
        response?.destroy();
      };
      try {
        const send = url.protocol === 'https:' ? https.request : http.request;
        req = send(target, {
          method: get ? 'GET' : 'POST',
          headers,
          agent: url.protocol === 'https:' ? this.#httpsAgent : this.#httpAgent,
          lookup: this.#lookup,
        });
      } catch (err) {
        // Node validates header names and values synchronously; a bad one will never get better.
        finish({ kind: 'refused', detail: `invalid request: ${describe(err)}` });
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish(failure(err)));
      req.on('response', (res) => {
        response = res;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (note?: string): void => {
          const text = Buffer.concat(chunks).toString('utf8').trim();
          const detail = text === '' ? (note ?? '(empty body)') : truncate(text);
          const location = res.headers.location;
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            detail,
            ...(location ? { location } : {}),
          });
        };
        res.on('data', (chunk: Buffer) => {
          const room = MAX_BODY_BYTES - size;
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          size += Math.min(chunk.length, room);
          if (size >= MAX_BODY_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on('end', () => done());
        // The status line arrived, so the receiver saw the request; report it even if the body broke off.
        res.on('error', (err) => done(`(body cut short: ${describe(err)})`));
        res.on('aborted', () => done('(body cut short)'));
      });
      req.end(body);
    });
  }
}

/** The URL with a form's fields added to its query (after any it has). */
function withQuery(url: URL, form: string): URL {
  const target = new URL(url);
  target.search = target.search === '' ? form : `${target.search.slice(1)}&${form}`;
  return target;
}

function failure(err: unknown): WebhookOutcome {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === SSRF_ERROR_CODE) return { kind: 'refused', detail: (err as Error).message };
  return { kind: 'error', detail: describe(err) };
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return err.errors.map(describe).join('; ');
  }
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}

/** What an event's `lastError` may show of a receiver's answer (see `publicExcerpt`). */
function truncate(text: string): string {
  return publicExcerpt(text, MAX_DETAIL_CHARS);
}
