// What the fakes' tests share: a plain HTTP client (node:http, no connection pooling), a small
// callback receiver on 127.0.0.1, and polling. Not a test file.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (undefined if it is not JSON). */
  readonly json: unknown;
}

export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Give up (reject with a timeout error) after this long; default 5000 ms. */
  readonly timeoutMs?: number;
}

/** One request on a fresh connection; rejects on connection errors (error.code) and timeouts. */
export function request(url: string, options: HttpRequest = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    const req = http.request(
      url,
      {
        method: options.method ?? 'POST',
        agent: false,
        timeout: options.timeoutMs ?? 5000,
        headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs JSON. */
export function postJson(
  url: string,
  value: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return request(url, {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  });
}

/** POSTs a form. */
export function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return request(url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** One request a {@link Receiver} got, and the status it answered. */
export interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly answered: number;
}

/** An HTTP server on 127.0.0.1 recording every request; `respond` picks each answer's status. */
export class Receiver {
  readonly received: Received[] = [];
  private constructor(
    private readonly server: http.Server,
    public respond: (index: number) => number,
  ) {}

  static async start(respond: (index: number) => number = () => 200): Promise<Receiver> {
    const server = http.createServer();
    const receiver = new Receiver(server, respond);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const answered = receiver.respond(receiver.received.length);
        const body = Buffer.concat(chunks).toString('utf8');
        receiver.received.push({ path: req.url ?? '', headers: req.headers, body, answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/callbacks'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The JSON bodies of the requests answered 2xx. */
  acknowledgedJson<T>(): T[] {
    return this.received.filter((r) => r.answered < 300).map((r) => JSON.parse(r.body) as T);
  }

  /** Waits until `count` requests have arrived. */
  waitFor(count: number): Promise<Received[]> {
    return waitUntil(() => (this.received.length >= count ? this.received : undefined), `${count} callbacks`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `probe` every 10 ms until it returns a value; rejects after `timeoutMs`. */
export async function waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
