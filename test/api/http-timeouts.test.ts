/**
 * Slow or silent clients cannot hold the gateway's HTTP connections (issue 11, item 7): over real
 * sockets, a body or headers trickled a byte at a time, a connection that sends nothing and one
 * that stalls mid-body are each closed by the server within the configured time.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildConfig } from '../../src/config/load-config.js';
import type { Gateway } from '../../src/gateway.js';
import { TEST_DATABASES, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';

const sqlite = TEST_DATABASES.find((db) => db.dialect === 'sqlite')!;

/** Slack for Node's periodic timeout check and the event loop, on top of a configured limit. */
const SLACK_MS = 1500;

interface Outcome {
  /** Whether the server closed the connection before `giveUpMs`. */
  readonly closedByServer: boolean;
  readonly elapsedMs: number;
  /** Everything the server wrote. */
  readonly received: string;
}

/**
 * Connects, writes `first`, then `chunk` every `everyMs` (if given) until the server closes the
 * connection or `giveUpMs` has passed (then the client closes it).
 */
function trickle(
  port: number,
  options: { first: string; chunk?: string; everyMs?: number; giveUpMs: number },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let gaveUp = false;
    socket.on('connect', () => {
      if (options.first) socket.write(options.first);
    });
    const writer =
      options.chunk === undefined
        ? undefined
        : setInterval(() => {
            if (socket.writable) socket.write(options.chunk!);
          }, options.everyMs);
    const giveUp = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, options.giveUpMs);
    socket.on('data', (data: Buffer) => {
      received += data.toString('utf8');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(writer);
      clearTimeout(giveUp);
      resolve({ closedByServer: !gaveUp, elapsedMs: Date.now() - started, received });
    });
  });
}

const BODY_START =
  'POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"text":"';

function assertTimedOut408(outcome: Outcome, limitMs: number): void {
  assert.ok(outcome.closedByServer, `still open after ${outcome.elapsedMs} ms (limit ${limitMs} ms)`);
  assert.ok(
    outcome.elapsedMs <= limitMs + SLACK_MS,
    `closed after ${outcome.elapsedMs} ms (limit ${limitMs} ms)`,
  );
  assert.match(outcome.received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  const body = JSON.parse(outcome.received.slice(outcome.received.indexOf('\r\n\r\n') + 4)) as {
    error: { code: string; message: string };
  };
  assert.equal(body.error.code, 'request_timeout');
  assert.match(body.error.message, /did not arrive in time/);
}

describe('HTTP listener time limits (short, configured)', () => {
  const limits = { requestTimeoutMs: 1500, headersTimeoutMs: 500, connectionTimeoutMs: 900 };
  let store: TestStore;
  let gateway: Gateway;
  let port: number;

  before(async () => {
    store = await sqlite.open();
    gateway = await startTestGateway(store, { listen: true, config: { http: limits } });
    port = (gateway.http.server.address() as net.AddressInfo).port;
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
  });

  it('the server carries the configured values', () => {
    const server = gateway.http.server;
    assert.equal(server.requestTimeout, limits.requestTimeoutMs);
    assert.equal(server.headersTimeout, limits.headersTimeoutMs);
    assert.equal(server.timeout, limits.connectionTimeoutMs);
  });

  it('closes an unauthenticated POST whose body trickles in, with a 408, within requestTimeoutMs', async () => {
    const outcome = await trickle(port, { first: BODY_START, chunk: 'a', everyMs: 100, giveUpMs: 10_000 });
    assertTimedOut408(outcome, limits.requestTimeoutMs);
  });

  it('closes a connection whose headers trickle in within headersTimeoutMs', async () => {
    const outcome = await trickle(port, {
      first: 'POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
      chunk: 'a',
      everyMs: 50,
      giveUpMs: 10_000,
    });
    assertTimedOut408(outcome, limits.headersTimeoutMs);
  });

  it('closes a connection that sends nothing within headersTimeoutMs', async () => {
    const outcome = await trickle(port, { first: '', giveUpMs: 10_000 });
    assertTimedOut408(outcome, limits.headersTimeoutMs);
  });

  it('closes a connection that stalls mid-body within connectionTimeoutMs', async () => {
    const outcome = await trickle(port, { first: BODY_START, giveUpMs: 10_000 });
    assert.ok(outcome.closedByServer, `still open after ${outcome.elapsedMs} ms`);
    assert.ok(
      outcome.elapsedMs <= limits.connectionTimeoutMs + SLACK_MS,
      `closed after ${outcome.elapsedMs} ms (limit ${limits.connectionTimeoutMs} ms)`,
    );
  });

  it('still answers a request that arrives in pieces within the limits', async () => {
    const body = '{"to":"+447911123456","text":"hi"}';
    const head = `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const pieces = [head.slice(0, 20), head.slice(20), body.slice(0, 10), body.slice(10, 20), body.slice(20)];
    const received = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      const next = () => {
        const piece = pieces.shift();
        if (piece === undefined) return;
        socket.write(piece);
        setTimeout(next, 80);
      };
      socket.on('connect', next);
      socket.on('data', (data: Buffer) => {
        text += data.toString('utf8');
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    // No credentials: the gateway reads the whole request and answers 401, in its own error shape.
    assert.match(received, /^HTTP\/1\.1 401 /);
    assert.equal(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)).error.code, 'unauthenticated');
  });
});

describe('HTTP listener time limits (shipped defaults)', () => {
  const defaults = buildConfig({}).http;
  let store: TestStore;
  let gateway: Gateway;

  before(async () => {
    store = await sqlite.open();
    gateway = await startTestGateway(store, { listen: true });
  });
  after(async () => {
    await gateway.stop(false);
    await store.destroy();
  });

  it('closes a POST trickling a byte every 5 s (the reported attack) within the requestTimeout read off the server', async () => {
    const server = gateway.http.server;
    assert.deepEqual(
      [server.requestTimeout, server.headersTimeout, server.timeout],
      [defaults.requestTimeoutMs, defaults.headersTimeoutMs, defaults.connectionTimeoutMs],
    );
    assert.ok(server.requestTimeout > 0 && server.requestTimeout <= 60_000, `${server.requestTimeout} ms`);
    const port = (server.address() as net.AddressInfo).port;
    const outcome = await trickle(port, {
      first: BODY_START,
      chunk: 'a',
      everyMs: 5000,
      giveUpMs: server.requestTimeout + 10_000,
    });
    assertTimedOut408(outcome, server.requestTimeout);
  });
});
