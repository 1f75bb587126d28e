import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BackpressureError, GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** The native API's error shape: `{"error":{"code","message","field"}}`. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

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

/** Maps any error to a status and a native error body; unknown errors become a logged 500. */
export function toErrorResponse(
  error: unknown,
  logger: Logger,
): { status: number; body: ErrorBody; retryAfter?: number } {
  if (error instanceof GatewayError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.field !== undefined) body.error.field = error.field;
    return error instanceof BackpressureError
      ? { status: error.status, body, retryAfter: error.retryAfterSeconds }
      : { status: error.status, body };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    const message = known?.message ?? fastifyError.message ?? 'Bad request';
    return {
      status: fastifyError.statusCode,
      body: { error: { code: known?.code ?? 'invalid_request', message } },
    };
  }
  logger.error({ err: error }, 'unexpected error while handling a request');
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal error' } } };
}

/** Fastify error handler speaking the native error shape. */
export function nativeErrorHandler(logger: Logger) {
  return (error: unknown, _request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, retryAfter } = toErrorResponse(error, logger);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="smsgate"');
    return reply.status(status).send(body);
  };
}
