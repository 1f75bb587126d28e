import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A minimal webhook receiver for the benchmark: answers 200 and counts the events it gets. */
export class BenchReceiver {
  received = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<BenchReceiver> {
    let receiver: BenchReceiver | undefined;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (receiver) receiver.received++;
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
    const deadline = Date.now() + timeoutMs;
    while (this.received < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.received} of ${count} webhook events arrived`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Date.now();
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}
