import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../../../gateway.js';
import { type Dialect, dialectAuth, principalOf, sendReply } from '../../dialect.js';
import { isReservedRootSegment } from '../../reserved-paths.js';
import { okReply } from './accolades-reply.js';
import { callerRegionOf } from './account-password-check.js';
import { ACCOLADES_FIELD_NAMES, formFieldsOf, readSendForm } from './send-form.js';

/**
 * `POST /:accountNumber/sms/send`. The order of the checks: the body is read (400 malformed, 413,
 * 415), the password checked (401), the fields validated (400, every bad one named), the account's
 * limits applied (402, 403, 429), the message stored (503 when the queue is full); only then
 * `{ "type" : "ok" }`, with the message committed.
 */
export function registerSendRoute(scope: FastifyInstance, gateway: Gateway, dialect: Dialect): void {
  scope.post<{ Params: { accountNumber: string } }>(
    '/:accountNumber/sms/send',
    {
      // `/api/sms/send` and the like belong to other APIs: the router falls back to this parametric
      // route when theirs has no such path, and their caller must see a 404, not a password prompt.
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        const { accountNumber } = request.params as { accountNumber: string };
        if (!isReservedRootSegment(accountNumber)) return;
        reply.callNotFound();
        return reply;
      },
      preHandler: dialectAuth(dialect, gateway),
    },
    async (request, reply) => {
      const input = readSendForm(formFieldsOf(request.body), callerRegionOf(request));
      const outcome = await gateway.messages.send(principalOf(request), input, {
        names: ACCOLADES_FIELD_NAMES,
      });
      const message = outcome.sends[0]?.messages[0];
      if (!message) throw new Error('an accepted send has no message');
      return sendReply(reply, okReply(message.id));
    },
  );
}
