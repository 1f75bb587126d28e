import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../../../gateway.js';
import { type Dialect, dialectAuth, principalOf, sendReply } from '../../dialect.js';
import { kannelCallerOf } from './kannel-auth.js';
import { ACCEPTED, kannelReply, QUEUED } from './kannel-replies.js';
import { KANNEL_FIELD_NAMES, readKannelSend } from './kannel-send.js';

/**
 * `GET|POST /cgi-bin/sendsms`. The order of the checks is Kannel's: credentials (403), `to`, the
 * fields (400 `… field misformed, rejected`), then the gateway's own (routes: 403 `Not routable`;
 * limits; a full queue: 503). Accepted is `202 0: Accepted for delivery` once the messages are
 * stored, or `202 3: Queued for later delivery` when they wait for a `deferred` time; the smsgate
 * message ids are in `Smsgate-Message-Id` (comma-separated, in `to` order), which Kannel's body
 * has no room for.
 */
export function registerKannelRoutes(scope: FastifyInstance, gateway: Gateway, dialect: Dialect): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = kannelCallerOf(request);
    const { input } = readKannelSend(caller.params, caller.username, gateway.config.defaultRegion);
    const outcome = await gateway.messages.send(principalOf(request), input, { names: KANNEL_FIELD_NAMES });
    const messages = outcome.sends.flatMap((send) => send.messages);
    const later = messages.length > 0 && messages.every((m) => m.status === 'scheduled');
    return sendReply(
      reply,
      kannelReply(202, later ? QUEUED : ACCEPTED, {
        'smsgate-message-id': messages.map((m) => m.id).join(','),
      }),
    );
  };
  const auth = { preHandler: dialectAuth(dialect, gateway) };
  scope.get('/sendsms', auth, handler);
  scope.post('/sendsms', auth, handler);
}
