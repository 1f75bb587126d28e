import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../../../gateway.js';
import { type Dialect, dialectAuth, principalOf, sendReply } from '../../dialect.js';
import { jasminBalance, jasminRate } from './jasmin-account.js';
import { jasminCallerOf } from './jasmin-auth.js';
import { jasminJson } from './jasmin-json.js';
import { checkArgs } from './jasmin-params.js';
import { jasminText, successBody } from './jasmin-replies.js';
import { JASMIN_FIELD_NAMES, readJasminSend } from './jasmin-send.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const BALANCE_ARGS: ReadonlySet<string> = new Set(['username', 'password']);
const RATE_ARGS: ReadonlySet<string> = new Set(['username', 'password', 'to', 'from', 'coding', 'content']);

/**
 * Jasmin's HTTP API (port 1401 in Jasmin's setup): `/send` answers `200 Success "<id>"` once the
 * message is stored; `/balance` and `/rate` answer Jasmin's JSON. Each takes GET (the query) or
 * POST (an urlencoded form).
 */
export function registerJasminHttpRoutes(scope: FastifyInstance, gateway: Gateway, dialect: Dialect): void {
  const auth = { preHandler: dialectAuth(dialect, gateway) };
  const both = (
    path: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) => {
    scope.get(path, auth, handler);
    scope.post(path, auth, handler);
  };

  both('/send', async (request, reply) => {
    const caller = jasminCallerOf(request);
    const input = readJasminSend(caller.args, caller.username, gateway.config.defaultRegion);
    const outcome = await gateway.messages.send(principalOf(request), input, { names: JASMIN_FIELD_NAMES });
    const id = outcome.sends[0]?.messages[0]?.id;
    if (!id) throw new Error('an accepted send has no message');
    return sendReply(reply, jasminText(200, successBody(id)));
  });

  both('/balance', async (request, reply) => {
    checkArgs(jasminCallerOf(request).args, BALANCE_ARGS, []);
    const balance = await jasminBalance(gateway, principalOf(request));
    return reply.status(200).type(JSON_TYPE).send(jasminJson(balance));
  });

  both('/rate', async (request, reply) => {
    const caller = jasminCallerOf(request);
    checkArgs(caller.args, RATE_ARGS, ['to']);
    const args = new Map(caller.args);
    if (!args.has('content')) args.set('content', ' ');
    const input = readJasminSend(args, caller.username, gateway.config.defaultRegion);
    const rate = await jasminRate(gateway, principalOf(request), input);
    return reply.status(200).type(JSON_TYPE).send(jasminJson(rate));
  });
}
