import type { FastifyReply, FastifyRequest } from 'fastify';
import { BackpressureError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { toGatewayError } from './gateway-errors.js';

/** The native API's error shape: `{"error":{"code","message","field"}}`. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Maps any error to a status and a native error body; unknown errors become a logged 500. */
export function toErrorResponse(
  error: unknown,
  logger: Logger,
  request?: FastifyRequest,
): { status: number; body: ErrorBody; retryAfter?: number } {
  const gatewayError = toGatewayError(error, logger, request);
  const body: ErrorBody = { error: { code: gatewayError.code, message: gatewayError.message } };
  if (gatewayError.field !== undefined) body.error.field = gatewayError.field;
  return gatewayError instanceof BackpressureError
    ? { status: gatewayError.status, body, retryAfter: gatewayError.retryAfterSeconds }
    : { status: gatewayError.status, body };
}

/** Fastify error handler speaking the native error shape. */
export function nativeErrorHandler(logger: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, retryAfter } = toErrorResponse(error, logger, request);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="smsgate"');
    return reply.status(status).send(body);
  };
}
