import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../core/logger.js';
import { type Dialect, sendReply } from './dialect.js';
import { toErrorResponse } from './error-body.js';
import { toGatewayError } from './gateway-errors.js';

/**
 * The dialect owning a raw request URL by its longest matching non-empty prefix (`/api`,
 * `/interact` …), or undefined for paths under the root (the native API's shape).
 */
export function dialectOwningUrl(dialects: readonly Dialect[], url: string): Dialect | undefined {
  const path = url.split('?', 1)[0] ?? '';
  let best: { dialect: Dialect; length: number } | undefined;
  for (const dialect of dialects) {
    for (const prefix of dialect.prefixes) {
      if (prefix === '' || (best && prefix.length <= best.length)) continue;
      if (path === prefix || path.startsWith(`${prefix}/`)) best = { dialect, length: prefix.length };
    }
  }
  return best?.dialect;
}

/**
 * Fastify's `frameworkErrors`: errors raised before routing (a malformed URL, an over-long path)
 * answered in the shape of the dialect whose prefix the path is under — a ServiceStack client
 * must get a ResponseStatus, not the native JSON — and in the native shape elsewhere.
 */
export function frameworkErrorHandler(dialects: readonly Dialect[], logger: Logger) {
  return (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    const dialect = dialectOwningUrl(dialects, request.url);
    if (dialect) {
      try {
        void sendReply(reply, dialect.renderError(toGatewayError(error, logger, request), request));
        return;
      } catch (renderFailure) {
        // A dialect that cannot word it (the request is too broken for it to read): native shape.
        logger.warn(
          { err: renderFailure, dialect: dialect.name },
          'dialect could not render a framework error',
        );
      }
    }
    const { status, body } = toErrorResponse(error, logger);
    void reply.status(status).send(body);
  };
}
