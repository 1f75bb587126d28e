import type { FastifyRequest } from 'fastify';
import {
  isResponseFormat,
  negotiateResponseFormat,
  type ResponseFormat,
  splitFormatSuffix,
} from '../../formats/negotiation.js';
import type { RouteMode, ServiceStackOperation } from './operation.js';
import { findOperation } from './operations.js';

/** What a ServiceStack route is, kept in its Fastify route config under `servicestack`. */
export interface RouteContext {
  /** A user route's operation; predefined routes name theirs in the `op` path parameter. */
  readonly operation?: ServiceStackOperation;
  readonly mode: RouteMode;
  /** A predefined route's own format (`/xml/reply/…` → xml, `/api/…` → json). */
  readonly predefinedFormat?: ResponseFormat;
  /** A user route registered with a format suffix (`/communication/message/sms.xml`). */
  readonly suffix?: ResponseFormat;
}

/** The route config a ServiceStack route is registered with. */
export function routeConfig(context: RouteContext): { servicestack: RouteContext } {
  return { servicestack: context };
}

/** The context of the route a request matched; undefined for a path no route answers. */
export function routeContextOf(request: FastifyRequest): RouteContext | undefined {
  const config = request.routeOptions?.config as { servicestack?: RouteContext } | undefined;
  return config?.servicestack;
}

/** The `op` parameter of a predefined route, its format suffix split off (`SMSSend.xml`). */
export function operationParam(
  request: FastifyRequest,
): { name: string; suffix?: ResponseFormat } | undefined {
  const op = (request.params as { op?: unknown } | undefined)?.op;
  if (typeof op !== 'string') return undefined;
  const { path, suffix } = splitFormatSuffix(op);
  return suffix === undefined ? { name: path } : { name: path, suffix };
}

/** The operation a request is for, when its route names a known one. */
export function operationOf(request: FastifyRequest): ServiceStackOperation | undefined {
  const context = routeContextOf(request);
  if (context?.operation) return context.operation;
  const param = operationParam(request);
  return param ? findOperation(param.name) : undefined;
}

/**
 * The format to answer in, as ServiceStack picks it (`negotiateResponseFormat`): `?format=`, the
 * path's suffix, a predefined route's own format, then Accept and the request's Content-Type.
 * A path no route answers is read the same way from its first segment (`/xml/…`, `/api/…`).
 */
export function responseFormatOf(request: FastifyRequest): ResponseFormat {
  const context = routeContextOf(request);
  const query = request.query as Record<string, unknown> | undefined;
  const path = request.url.split('?', 1)[0] ?? '';
  const predefinedFormat = context ? context.predefinedFormat : predefinedFormatOfPath(path);
  const suffix =
    context?.suffix ??
    operationParam(request)?.suffix ??
    (context ? undefined : splitFormatSuffix(path).suffix);
  return negotiateResponseFormat({
    callback: firstString(query?.callback),
    queryFormat: firstString(query?.format),
    pathSuffix: suffix,
    predefinedRouteFormat: predefinedFormat,
    accept: firstString(request.headers.accept),
    contentType: firstString(request.headers['content-type']),
  });
}

function predefinedFormatOfPath(path: string): ResponseFormat | undefined {
  const first = path.split('/')[1]?.toLowerCase();
  if (first === 'api') return 'json';
  return isResponseFormat(first) ? first : undefined;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
