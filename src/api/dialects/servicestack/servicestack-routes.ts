import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, GatewayError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import { type Dialect, dialectAuth, principalOf, sendReply } from '../../dialect.js';
import {
  formatOfContentType,
  RESPONSE_FORMATS,
  type ResponseFormat,
  responseContentType,
} from '../../formats/negotiation.js';
import { writeDto } from './dto-writer.js';
import { registerMetadataPages } from './metadata-pages.js';
import type { RouteMode, ServiceStackOperation } from './operation.js';
import type { OperationHandler } from './operation-call.js';
import { OPERATIONS } from './operations.js';
import {
  operationOf,
  operationParam,
  type RouteContext,
  responseFormatOf,
  routeConfig,
} from './request-context.js';
import { sendSms } from './send-sms-service.js';
import { smsSend } from './sms-send-service.js';

const HANDLERS: Readonly<Record<string, OperationHandler>> = { SendSmsRequest: sendSms, SMSSend: smsSend };

/** Verbs the operations are not called with: 405, as ServiceStack answers a verb a service lacks. */
const OTHER_METHODS = ['GET', 'PUT', 'DELETE', 'PATCH'] as const;

/** 405: no such operation on a predefined route, or a verb it is not called with. */
export class NotImplementedError extends GatewayError {
  constructor(message: string) {
    super(405, 'not_implemented', message);
  }
}

/**
 * The routes of one of the dialect's prefixes: the predefined `/api/{Op}`,
 * `/{json|xml|jsv}/{reply|oneway}/{Op}`, each operation's own routes (in any of the `.json`,
 * `.xml`, `.jsv` suffix forms), and the metadata pages.
 */
export function registerServiceStackRoutes(
  scope: FastifyInstance,
  prefix: string,
  gateway: Gateway,
  dialect: Dialect,
): void {
  const auth = dialectAuth(dialect, gateway);
  const register = (path: string, context: RouteContext) => {
    // Credentials first, as on every route of the gateway: without them, not even whether an
    // operation exists is told.
    const preHandler = context.operation ? [auth] : [auth, requireKnownOperation];
    scope.post(path, { config: routeConfig(context), preHandler }, (request, reply) =>
      run(request, reply, gateway, context.mode),
    );
    scope.route({
      method: [...OTHER_METHODS],
      url: path,
      config: routeConfig(context),
      preHandler: [auth],
      handler: async (request) => {
        await requireKnownOperation(request);
        const name = operationOf(request)!.name;
        throw new NotImplementedError(`${name} is called with POST, not ${request.method}`);
      },
    });
  };

  if (prefix === '/api') register('/:op', { mode: 'reply', predefinedFormat: 'json' });
  const format = RESPONSE_FORMATS.find((f) => prefix === `/${f}`);
  if (format) {
    register('/reply/:op', { mode: 'reply', predefinedFormat: format });
    register('/oneway/:op', { mode: 'oneway', predefinedFormat: format });
  }
  for (const operation of OPERATIONS) {
    for (const route of operation.routes) {
      if (!route.path.startsWith(`${prefix}/`)) continue;
      const path = route.path.slice(prefix.length);
      register(path, { operation, mode: route.mode });
      for (const suffix of RESPONSE_FORMATS)
        register(`${path}.${suffix}`, { operation, mode: route.mode, suffix });
    }
  }
  registerMetadataPages(scope, prefix);
}

async function requireKnownOperation(request: FastifyRequest): Promise<void> {
  if (!operationOf(request)) {
    const name = operationParam(request)?.name ?? '';
    throw new NotImplementedError(`The operation '${name}' does not exist for this service`);
  }
}

async function run(
  request: FastifyRequest,
  reply: FastifyReply,
  gateway: Gateway,
  mode: RouteMode,
): Promise<FastifyReply> {
  const operation = operationOf(request) as ServiceStackOperation;
  const principal = principalOf(request);
  if (!operation.roles.includes(principal.role)) throw new ForbiddenError('Invalid Role');
  const result = await HANDLERS[operation.name]!({
    gateway,
    principal,
    body: request.body,
    format: formatOfContentType(request.headers['content-type']) ?? 'json',
    mode,
  });
  if ('noContent' in result) return reply.status(204).send();
  const format: ResponseFormat = responseFormatOf(request);
  return sendReply(reply, {
    status: 200,
    contentType: responseContentType(format),
    body: writeDto(format, operation.response, result.dto, operation.jsonCase),
  });
}
