import assert from 'node:assert/strict';
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, afterEach, describe, it, mock } from 'node:test';
import type { AddressPolicy } from '../../src/webhooks/address-guard.js';
import {
  guardedLookup,
  SSRF_ERROR_CODE,
  WebhookClient,
  type WebhookRequest,
} from '../../src/webhooks/webhook-request.js';

const STRICT: AddressPolicy = { allowPrivateAddresses: false };
const LENIENT: AddressPolicy = { allowPrivateAddresses: true };

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

interface TestServer {
  readonly origin: string;
  readonly port: number;
  readonly seen: Seen[];
  readonly sockets: Socket[];
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen[]) => void;

const servers: http.Server[] = [];
const clients: WebhookClient[] = [];

afterEach(() => {
  mock.restoreAll();
});

after(async () => {
  for (const client of clients) client.close();
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A real HTTP server on 127.0.0.1 that records each request (body read in full) before `handler` answers. */
async function startServer(handler: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets: Socket[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      handler(req, res, seen);
    });
  });
  server.on('connection', (socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, seen, sockets };
}

function client(policy: AddressPolicy = LENIENT): WebhookClient {
  const created = new WebhookClient(policy);
  clients.push(created);
  return created;
}

function request(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url,
    contentType: 'application/json',
    body: '{"event":"message:sent"}',
    headers: {},
    timeoutMs: 5_000,
    ...overrides,
  };
}

function answer(status: number, body: string, headers: http.OutgoingHttpHeaders = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** Makes dns.lookup answer for names under `.test`; other names resolve for real. */
function fakeDns(table: Record<string, readonly dns.LookupAddress[] | NodeJS.ErrnoException>): void {
  const real = dns.lookup;
  mock.method(dns, 'lookup', (hostname: string, options: dns.LookupAllOptions, callback: unknown) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, addresses?: dns.LookupAddress[]) => void;
    const entry = table[hostname];
    if (entry === undefined) return real(hostname, options, cb);
    if (entry instanceof Error) process.nextTick(cb, entry);
    else process.nextTick(cb, null, [...entry]);
  });
}

describe('WebhookClient.post', () => {
  it('returns a 2xx response with the body as detail', async () => {
    const server = await startServer(answer(200, 'ok, thanks'));
    const outcome = await client().post(request(`${server.origin}/hook`));
    assert.deepEqual(outcome, { kind: 'response', status: 200, detail: 'ok, thanks' });
  });

  it('returns a 5xx response with the body as detail', async () => {
    const server = await startServer(answer(503, 'overloaded, try later'));
    const outcome = await client().post(request(`${server.origin}/hook`));
    assert.deepEqual(outcome, { kind: 'response', status: 503, detail: 'overloaded, try later' });
  });

  it('notes an empty body', async () => {
    const server = await startServer(answer(204, ''));
    const outcome = await client().post(request(`${server.origin}/hook`));
    assert.equal(outcome.kind, 'response');
    assert.equal(outcome.kind === 'response' && outcome.status, 204);
    assert.match(outcome.detail, /empty/);
  });

  it('keeps the detail to 100 characters and an ellipsis', async () => {
    const server = await startServer(answer(500, 'é'.repeat(1_000)));
    const outcome = await client().post(request(`${server.origin}/hook`));
    assert.equal(outcome.detail, `${'é'.repeat(100)}…`);
  });

  it('keeps the detail to one printable line: control characters and line breaks become spaces', async () => {
    const server = await startServer(answer(500, 'internal\r\n\tstack:\u0000 at x\u2028y\u001b[31m  red'));
    const outcome = await client().post(request(`${server.origin}/hook`));
    assert.equal(outcome.detail, 'internal stack: at x y [31m red');
  });

  it('delivers the body, path and headers intact', async () => {
    const server = await startServer(answer(200, 'ok'));
    const body = JSON.stringify({ text: 'Grüße 👋', to: '+447911123456' });
    await client().post(
      request(`${server.origin}/hooks/sms?account=a1`, {
        body,
        contentType: 'application/json; charset=utf-8',
        headers: { 'X-Signature': 'sha256=abc', 'Content-Length': '1', Host: 'elsewhere.example' },
      }),
    );
    assert.equal(server.seen.length, 1);
    const [seen] = server.seen;
    assert.equal(seen!.method, 'POST');
    assert.equal(seen!.path, '/hooks/sms?account=a1');
    assert.equal(seen!.body, body);
    assert.equal(seen!.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(seen!.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(seen!.headers['user-agent'], 'smsgate-webhooks');
    assert.equal(seen!.headers['x-signature'], 'sha256=abc');
    assert.equal(seen!.headers.host, `127.0.0.1:${server.port}`);
  });

  it('reuses a keep-alive connection, and close() ends it', async () => {
    const server = await startServer(answer(200, 'ok'));
    const webhooks = client();
    await webhooks.post(request(`${server.origin}/one`));
    const second = await webhooks.post(request(`${server.origin}/two`));
    assert.equal(second.kind, 'response');
    assert.equal(server.seen.length, 2);
    assert.equal(server.sockets.length, 1);
    const socket = server.sockets[0]!;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    webhooks.close();
    await closed;
    assert.equal(socket.destroyed, true);
  });

  it('follows a same-origin redirect by POSTing the body again', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end('moved');
      else res.writeHead(200).end('arrived');
    });
    const outcome = await client().post(request(`${server.origin}/old`, { body: 'payload' }));
    assert.deepEqual(outcome, { kind: 'response', status: 200, detail: 'arrived' });
    assert.deepEqual(
      server.seen.map((s) => [s.method, s.path, s.body]),
      [
        ['POST', '/old', 'payload'],
        ['POST', '/new', 'payload'],
      ],
    );
  });

  it('does not follow a redirect to another origin', async () => {
    const other = await startServer(answer(200, 'should not be reached'));
    const server = await startServer(answer(302, '', { location: `${other.origin}/steal` }));
    const outcome = await client().post(request(`${server.origin}/hook`));
    assert.deepEqual(outcome, {
      kind: 'response',
      status: 302,
      detail: `redirect to another host not followed: ${other.origin}`,
    });
    assert.equal(server.seen.length, 1);
    assert.equal(other.seen.length, 0);
  });

  it('does not follow a redirect that changes the scheme', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(301, { location: `https://${_req.headers.host}/hook` }).end();
    });
    const outcome = await client().post(request(`${server.origin}/hook`));
    assert.equal(outcome.kind === 'response' && outcome.status, 301);
    assert.match(outcome.detail, /another host not followed: https:/);
  });

  it('stops after three redirects and returns the last one', async () => {
    const server = await startServer((_req, res, seen) => {
      res.writeHead(302, { location: `/hop-${seen.length}` }).end();
    });
    const outcome = await client().post(request(`${server.origin}/hop-0`));
    assert.equal(outcome.kind, 'response');
    assert.equal(outcome.kind === 'response' && outcome.status, 302);
    assert.match(outcome.detail, /too many redirects/);
    assert.deepEqual(
      server.seen.map((s) => s.path),
      ['/hop-0', '/hop-1', '/hop-2', '/hop-3'],
    );
  });

  it('times out when the server never answers', async () => {
    const server = await startServer(() => {});
    const outcome = await client().post(request(`${server.origin}/hook`, { timeoutMs: 200 }));
    assert.deepEqual(outcome, { kind: 'error', detail: 'timed out after 200 ms' });
    assert.equal(server.seen.length, 1);
  });

  it('times out when the body stalls after the status line', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const outcome = await client().post(request(`${server.origin}/hook`, { timeoutMs: 200 }));
    assert.deepEqual(outcome, { kind: 'error', detail: 'timed out after 200 ms' });
  });

  it('reports a refused connection as a retryable error', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const outcome = await client().post(request(`http://127.0.0.1:${port}/hook`));
    assert.equal(outcome.kind, 'error');
    assert.match(outcome.detail, /ECONNREFUSED/);
  });

  it('reports a DNS failure as a retryable error', async () => {
    fakeDns({
      'missing.test': Object.assign(new Error('getaddrinfo ENOTFOUND missing.test'), { code: 'ENOTFOUND' }),
    });
    const outcome = await client().post(request('http://missing.test/hook'));
    assert.deepEqual(outcome, { kind: 'error', detail: 'getaddrinfo ENOTFOUND missing.test' });
  });

  it('reads at most 64 KiB of an endless body and does not hang', async () => {
    let written = 0;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = (): void => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const outcome = await client().post(request(`${server.origin}/hook`, { timeoutMs: 30_000 }));
    assert.deepEqual(outcome, { kind: 'response', status: 200, detail: `${'x'.repeat(100)}…` });
    assert.ok(written >= 64 * 1024, `server wrote ${written} bytes`);
  });

  it('refuses a loopback literal when private addresses are not allowed', async () => {
    const server = await startServer(answer(200, 'ok'));
    for (const url of [`${server.origin}/hook`, `http://[::ffff:127.0.0.1]:${server.port}/hook`]) {
      const outcome = await client(STRICT).post(request(url));
      assert.equal(outcome.kind, 'refused', url);
      assert.match(outcome.detail, /loopback/);
    }
    assert.equal(server.seen.length, 0);
  });

  it('refuses localhost when private addresses are not allowed', async () => {
    const server = await startServer(answer(200, 'ok'));
    const outcome = await client(STRICT).post(request(`http://localhost:${server.port}/hook`));
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.detail, /loopback/);
    assert.equal(server.seen.length, 0);
  });

  it('reaches loopback, by literal and through the guarded lookup, when private addresses are allowed', async () => {
    const server = await startServer(answer(200, 'ok'));
    const webhooks = client(LENIENT);
    assert.equal((await webhooks.post(request(`${server.origin}/literal`))).kind, 'response');
    assert.equal((await webhooks.post(request(`http://localhost:${server.port}/named`))).kind, 'response');
    assert.deepEqual(
      server.seen.map((s) => [s.path, s.headers.host]),
      [
        ['/literal', `127.0.0.1:${server.port}`],
        ['/named', `localhost:${server.port}`],
      ],
    );
  });

  it('refuses metadata, link-local, unspecified and IPv4-mapped addresses even when private ones are allowed', async () => {
    const server = await startServer(answer(200, 'ok'));
    const cases: readonly [string, RegExp][] = [
      ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
      ['http://[fd00:ec2::254]/', /cloud metadata/],
      ['http://100.100.100.200/', /cloud metadata/],
      ['http://[::ffff:169.254.169.254]/', /cloud metadata/],
      ['http://169.254.10.10/', /link-local/],
      ['http://[fe80::1]/', /link-local/],
      // On Linux 0.0.0.0 reaches the local host, so without the guard this would hit our server.
      [`http://0.0.0.0:${server.port}/`, /unspecified/],
    ];
    for (const [url, reason] of cases) {
      const outcome = await client(LENIENT).post(request(url, { timeoutMs: 2_000 }));
      assert.equal(outcome.kind, 'refused', `${url}: ${outcome.detail}`);
      assert.match(outcome.detail, reason);
    }
    assert.equal(server.seen.length, 0);
  });

  it('refuses bad URLs without sending anything', async () => {
    const webhooks = client(LENIENT);
    for (const url of ['ftp://example.com/', 'http://user:pw@example.com/', 'not a url']) {
      assert.equal((await webhooks.post(request(url))).kind, 'refused', url);
    }
  });

  it('refuses invalid header values as permanent', async () => {
    const server = await startServer(answer(200, 'ok'));
    const outcome = await client().post(
      request(`${server.origin}/hook`, { headers: { 'x-evil': 'a\r\nx-injected: 1' } }),
    );
    assert.equal(outcome.kind, 'refused');
    assert.equal(server.seen.length, 0);
  });

  it('refuses a hostname when any of its addresses is private', async () => {
    fakeDns({
      'hooks.mixed.test': [
        { address: '8.8.8.8', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
    });
    const outcome = await client(STRICT).post(
      request('http://hooks.mixed.test:9/hook', { timeoutMs: 2_000 }),
    );
    assert.deepEqual(outcome, {
      kind: 'refused',
      detail: 'hooks.mixed.test: 10.0.0.5 is a private address and private addresses are not allowed',
    });
  });

  it('refuses a hostname resolving to the metadata address even when private ones are allowed', async () => {
    fakeDns({ 'metadata.rebind.test': [{ address: '169.254.169.254', family: 4 }] });
    const outcome = await client(LENIENT).post(request('http://metadata.rebind.test/', { timeoutMs: 2_000 }));
    assert.deepEqual(outcome, {
      kind: 'refused',
      detail: 'metadata.rebind.test: 169.254.169.254 is a cloud metadata address',
    });
  });

  it('connects to the address the guard checked', async () => {
    const server = await startServer(answer(200, 'ok'));
    fakeDns({ 'hooks.checked.test': [{ address: '127.0.0.1', family: 4 }] });
    const outcome = await client(LENIENT).post(request(`http://hooks.checked.test:${server.port}/hook`));
    assert.deepEqual(outcome, { kind: 'response', status: 200, detail: 'ok' });
    assert.equal(server.seen[0]?.headers.host, `hooks.checked.test:${server.port}`);
  });
});

describe('guardedLookup', () => {
  const lookup = (policy: AddressPolicy, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((resolve) => {
      guardedLookup(policy)('localhost', { all, family: 4 }, (err, address, family) =>
        resolve({ err, address, family }),
      );
    });

  it('refuses localhost with code ESSRF in both shapes when private addresses are not allowed', async () => {
    for (const all of [true, false]) {
      const { err } = await lookup(STRICT, all);
      assert.equal(err?.code, SSRF_ERROR_CODE);
      assert.match(err.message, /^localhost: 127\.0\.0\.1 is a loopback address/);
    }
  });

  it('answers with every address when asked for all, and with one address otherwise', async () => {
    const many = await lookup(LENIENT, true);
    assert.equal(many.err, null);
    assert.deepEqual(many.address, [{ address: '127.0.0.1', family: 4 }]);
    const one = await lookup(LENIENT, false);
    assert.equal(one.err, null);
    assert.equal(one.address, '127.0.0.1');
    assert.equal(one.family, 4);
  });
});
