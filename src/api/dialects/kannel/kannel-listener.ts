import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Kannel's own sendsms port: a listener that hands `/cgi-bin/sendsms` requests to the gateway's
 * HTTP app (the same routes, limits and error shapes as on the main port) and answers anything
 * else as Kannel's smsbox does, `404 Unknown request.` — the rest of the API is not on this port.
 */
export class KannelListener {
  private readonly server: http.Server;

  constructor(app: FastifyInstance) {
    this.server = http.createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (path === '/cgi-bin/sendsms') {
        app.routing(request, response);
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Unknown request.');
    });
    // The main server's timeouts, so this port is no easier to hold open.
    this.server.requestTimeout = app.server.requestTimeout;
    this.server.headersTimeout = app.server.headersTimeout;
  }

  /** Listens on `host:port` (0: a free port). */
  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and closes its connections. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
