import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal webhook receiver for the benchmarks: answers 200 and counts what it gets.
 * `finals` counts the callbacks that report a final status: smsgate's native `"final":true`
 * events, and Kannel's dlr-url requests for a final DLR (`type=1` delivered, `type=2` failed; the
 * bench's dlr-url carries `type=%d`). Both gateways are measured by the same counter.
 */
export class BenchReceiver {
  received = 0;
  finals = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<BenchReceiver> {
    let receiver: BenchReceiver | undefined;
    const server = createServer((request, response) => {
      let final = /[?&]type=[12](&|$)/.test(request.url ?? '');
      request.on('data', (chunk: Buffer) => {
        if (!final && chunk.includes('"final":true')) final = true;
      });
      request.on('end', () => {
        if (receiver) {
          receiver.received++;
          if (final) receiver.finals++;
        }
        response.writeHead(200).end();
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new BenchReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`);
    return receiver;
  }

  /** Resolves when `count` events have arrived; returns the time. */
  async waitFor(count: number, timeoutMs: number): Promise<number> {
    return this.waitUntil(
      () => this.received >= count,
      timeoutMs,
      () => `${this.received} of ${count} events`,
    );
  }

  /** Resolves when `count` final callbacks have arrived; returns the time. */
  async waitForFinals(count: number, timeoutMs: number): Promise<number> {
    return this.waitUntil(
      () => this.finals >= count,
      timeoutMs,
      () => `${this.finals} of ${count} final callbacks`,
    );
  }

  /** Waits until no callback has arrived for `quietMs`; returns the time of the last one seen. */
  async settle(quietMs: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = this.received;
    let lastAt = Date.now();
    while (Date.now() - lastAt < quietMs && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (this.received !== last) {
        last = this.received;
        lastAt = Date.now();
      }
    }
    return lastAt;
  }

  private async waitUntil(done: () => boolean, timeoutMs: number, what: () => string): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`only ${what()} arrived in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Date.now();
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}
