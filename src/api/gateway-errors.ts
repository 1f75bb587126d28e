import type { FastifyError } from 'fastify';
import { BackpressureError, GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';

/** 404 for a path no route answers. */
export class RouteNotFoundError extends GatewayError {
  constructor(method: string, path: string) {
    super(404, 'not_found', `No route ${method} ${path}`);
  }
}

/** What Fastify's own errors (raised before a handler runs) mean in the gateway's terms. */
const FASTIFY_CODES: Record<string, { code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'The body is empty; send a JSON object' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request' },
  FST_ERR_NOT_FOUND: { code: 'not_found' },
  FST_ERR_BAD_URL: { code: 'invalid_request', message: 'The URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'invalid_request' },
};

/**
 * Any error raised while handling a request, as a GatewayError every dialect can render: ours as
 * they are, Fastify's 4xx (bad JSON, body too large, unsupported media type) with their status and
 * a stable code, and anything else as a logged 500 that says nothing more.
 */
export function toGatewayError(
  error: unknown,
  logger: Logger,
  request?: { headers: Record<string, string | string[] | undefined> },
  accepted: readonly string[] = ['application/json'],
): GatewayError {
  if (error instanceof GatewayError) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    // Say what was sent and what would have been taken.
    const sent = request?.headers['content-type'];
    return new GatewayError(
      415,
      'unsupported_media_type',
      `${sent ? `Content-Type ${String(sent)} is` : 'A body without a Content-Type is'} not accepted here; send ${accepted.join(' or ')}`,
    );
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    return new GatewayError(
      fastifyError.statusCode,
      known?.code ?? 'invalid_request',
      known?.message ?? fastifyError.message ?? 'Bad request',
    );
  }
  if (isStoreUnavailable(error)) {
    logger.error({ err: error }, 'the store is unavailable');
    return new BackpressureError(
      503,
      'store_unavailable',
      'The message store is unavailable; retry later',
      5,
    );
  }
  logger.error({ err: error }, 'unexpected error while handling a request');
  return new GatewayError(500, 'internal_error', 'Internal error');
}
