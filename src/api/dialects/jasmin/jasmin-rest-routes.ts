import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SendInput } from '../../../core/send-input.js';
import type { Gateway } from '../../../gateway.js';
import { deleteJasminBatch, insertJasminBatch } from '../../../store/queries/batch-callback-events.js';
import { type Dialect, dialectAuth, principalOf } from '../../dialect.js';
import { jasminBalance, jasminRate } from './jasmin-account.js';
import { jasminCallerOf } from './jasmin-auth.js';
import { readBatchConfig } from './jasmin-batch-config.js';
import { type JasminValue, jasminJson } from './jasmin-json.js';
import { invalidValue } from './jasmin-params.js';
import { JasminError, successBody } from './jasmin-replies.js';
import { JASMIN_FIELD_NAMES, readJasminSend } from './jasmin-send.js';

type Json = Record<string, unknown>;

/** A batch's schedule is its `batch_config.schedule_at`, not a message's `sdt`. */
const BATCH_FIELD_NAMES = { ...JASMIN_FIELD_NAMES, scheduleAt: 'schedule_at' };

function objectOf(value: unknown, name: string): Json {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  throw invalidValue(name, JSON.stringify(value) ?? 'undefined');
}

/** A JSON message's parameters as the HTTP API's arguments (numbers, as `"to": 19012233451`, as text). */
function argsOf(message: Json, to?: unknown): Map<string, string> {
  const args = new Map<string, string>();
  for (const [name, value] of Object.entries(message)) {
    if (name === 'to' && to !== undefined) continue;
    if (typeof value === 'string' || typeof value === 'number') args.set(name, String(value));
    else if (value !== undefined && value !== null) throw invalidValue(name, JSON.stringify(value));
  }
  if (to !== undefined) args.set('to', String(to));
  return args;
}

/** One message of a batch (its `to` one number or a list), with the batch's globals under it. */
function batchInputs(message: Json, globals: Json, username: string, region: string | undefined): SendInput {
  const merged = { ...globals, ...message };
  const recipients = Array.isArray(merged.to) ? merged.to : [merged.to];
  if (recipients.length === 0 || merged.to === undefined)
    throw new JasminError(400, 'Mandatory argument to is not found.');
  const first = readJasminSend(argsOf(merged, recipients[0]), username, region);
  const to = recipients.map((number) => readJasminSend(argsOf(merged, number), username, region).to[0]!);
  return { ...first, to };
}

/**
 * Jasmin's REST API under `/secure` (HTTP Basic, JSON): `POST /secure/send` answers
 * `{"data": "Success \"<id>\""}`; `POST /secure/sendbatch` takes `messages` (each with one `to`
 * or a list), `globals` and `batch_config` (`schedule_at`; `callback_url` and `errback_url`, called
 * once per message when it was sent or failed before being sent), stores every message or none,
 * and answers `{"data": {"batchId", "messageCount"}}` (the batch id is a ref of its messages:
 * `GET /v1/messages?ref=jasminBatch:<id>`); `GET /secure/balance` and `/secure/rate` wrap the HTTP
 * API's JSON in `data`.
 */
export function registerJasminRestRoutes(scope: FastifyInstance, gateway: Gateway, dialect: Dialect): void {
  const auth = { preHandler: dialectAuth(dialect, gateway) };
  const region = gateway.config.defaultRegion;
  const bodyOf = (request: FastifyRequest) => objectOf(request.body ?? {}, 'body');

  scope.post('/send', auth, async (request) => {
    const { username } = jasminCallerOf(request);
    const input = readJasminSend(argsOf(bodyOf(request)), username, region);
    const outcome = await gateway.messages.send(principalOf(request), input, { names: JASMIN_FIELD_NAMES });
    const id = outcome.sends[0]?.messages[0]?.id;
    if (!id) throw new Error('an accepted send has no message');
    return { data: successBody(id) };
  });

  scope.post('/sendbatch', auth, async (request) => {
    const { username } = jasminCallerOf(request);
    const body = bodyOf(request);
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw new JasminError(400, 'Mandatory argument messages is not found.');
    }
    const globals = body.globals === undefined ? {} : objectOf(body.globals, 'globals');
    const config = readBatchConfig(
      body.batch_config === undefined ? {} : objectOf(body.batch_config, 'batch_config'),
      { allowPrivateAddresses: gateway.config.webhooks.allowPrivateAddresses },
    );
    const batchId = randomUUID();
    const inputs = body.messages.map((message, i) => ({
      ...batchInputs(objectOf(message, `messages[${i}]`), globals, username, region),
      ...(config.scheduleAt === undefined ? {} : { scheduleAt: config.scheduleAt }),
      refs: { jasminBatch: batchId },
    }));
    const reports = config.callbackUrl !== null || config.errbackUrl !== null;
    // The batch's URLs are stored before its messages, so every stored message finds them.
    if (reports) {
      await insertJasminBatch(gateway.store, {
        id: batchId,
        account_id: principalOf(request).accountId,
        callback_url: config.callbackUrl,
        errback_url: config.errbackUrl,
        created_at: Date.now(),
      });
    }
    const outcome = await gateway.messages
      .send(principalOf(request), inputs, { names: inputs.map(() => BATCH_FIELD_NAMES) })
      .catch(async (error: unknown) => {
        if (reports) await deleteJasminBatch(gateway.store, batchId);
        throw error;
      });
    const messageCount = outcome.sends.reduce((n, send) => n + send.messages.length, 0);
    return { data: { batchId, messageCount } };
  });

  const data = (reply: FastifyReply, value: Readonly<Record<string, JasminValue>>) =>
    reply.type('application/json; charset=utf-8').send(`{"data": ${jasminJson(value)}}`);

  scope.get('/balance', auth, async (request, reply) =>
    data(reply, await jasminBalance(gateway, principalOf(request))),
  );

  scope.get<{ Querystring: Record<string, string> }>('/rate', auth, async (request, reply) => {
    const { username } = jasminCallerOf(request);
    const query = request.query;
    const args = new Map<string, string>([['content', ' ']]);
    for (const name of ['to', 'from', 'coding', 'content']) {
      const value = query[name];
      if (typeof value === 'string') args.set(name, value);
    }
    const input = readJasminSend(args, username, region);
    return data(reply, await jasminRate(gateway, principalOf(request), input));
  });
}
