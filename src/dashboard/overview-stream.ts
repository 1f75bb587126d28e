import type { FastifyReply } from 'fastify';
import type { Gateway } from '../gateway.js';
import { buildOverview } from './overview.js';
import type { DashboardSession } from './sessions.js';

/** How often a connected overview page gets a fresh snapshot. */
export const STREAM_INTERVAL_MS = 2_000;

/**
 * Server-sent events for the overview page: a snapshot at once, then every STREAM_INTERVAL_MS
 * while the page is open. Each snapshot is built for the session's caller as it stands then, and
 * the stream ends when the session does (signed out, expired, key revoked).
 */
export function streamOverview(
  gateway: Gateway,
  reply: FastifyReply,
  stillSignedIn: () => Promise<DashboardSession | undefined>,
  open: Set<() => void>,
): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-content-type-options': 'nosniff',
  });
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    closed = true;
    open.delete(stop);
    if (timer) clearTimeout(timer);
    if (!raw.writableEnded) raw.end();
  };
  // The server's close waits for open connections: a stopping gateway ends its streams first.
  open.add(stop);
  raw.on('close', stop);
  const push = async () => {
    if (closed) return;
    try {
      const session = await stillSignedIn();
      if (!session) {
        raw.write('event: signed-out\ndata: {}\n\n');
        stop();
        return;
      }
      const overview = await buildOverview(gateway, session.principal);
      if (!closed) raw.write(`event: overview\ndata: ${JSON.stringify(overview)}\n\n`);
    } catch (error) {
      gateway.logger.warn({ err: error }, 'dashboard overview stream failed');
      stop();
      return;
    }
    if (!closed) timer = setTimeout(() => void push(), STREAM_INTERVAL_MS);
  };
  void push();
}
