import type { FastifyRequest } from 'fastify';
import { BackpressureError, type GatewayError } from '../../../core/errors.js';
import type { DialectReply } from '../../dialect.js';
import { responseContentType } from '../../formats/negotiation.js';
import { writeDto } from './dto-writer.js';
import { ERROR_RESPONSE } from './error-response-dto.js';
import { operationOf, responseFormatOf } from './request-context.js';
import { responseStatusOf } from './response-status.js';

/**
 * Any error of a ServiceStack request as ServiceStack writes one: the operation's response DTO
 * with only `ResponseStatus` set (seed 000's `SmsMsgResponse`), or `ErrorResponse{ResponseStatus}`
 * (`SMSSend`, whose `CommResponse` has none, and paths naming no operation), in the format the
 * request negotiated and the operation's JSON case. A 401 carries `WWW-Authenticate: Basic`, the
 * challenge after which ServiceStack's C# clients send their Basic credentials; a 429/503 carries
 * `Retry-After`.
 */
export function renderServiceStackError(error: GatewayError, request: FastifyRequest): DialectReply {
  const operation = operationOf(request);
  const format = responseFormatOf(request);
  const type = operation?.errorResponse ?? ERROR_RESPONSE;
  const headers: Record<string, string> = {};
  if (error.status === 401) headers['www-authenticate'] = 'Basic realm="smsgate"';
  if (error instanceof BackpressureError) headers['retry-after'] = String(error.retryAfterSeconds);
  return {
    status: error.status,
    contentType: responseContentType(format),
    body: writeDto(
      format,
      type,
      { ResponseStatus: responseStatusOf(error) },
      operation?.jsonCase ?? 'declared',
    ),
    headers,
  };
}
