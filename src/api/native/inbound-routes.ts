import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AccessPolicy, requireCapability } from '../../accounts/access-policy.js';
import { audit } from '../../accounts/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { toE164 } from '../../core/phone-numbers.js';
import type { Gateway } from '../../gateway.js';
import { addressReadings } from '../../inbound/inbound-addresses.js';
import { findInbound, type InboundRow, listInbound } from '../../store/queries/inbound.js';
import { addOptOut, listOptOuts, removeOptOut } from '../../store/queries/opt-outs.js';
import { parseRequest } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';
import { listScope } from './list-scope.js';

export const inboundQuery = z
  .object({
    messageId: z.string().optional(),
    from: z.string().optional(),
    cursor: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();
export const accountQuery = z.object({ accountId: z.string().min(1).optional() }).strict();
export const optOutBody = z
  .object({ number: z.string().min(1).max(32), accountId: z.string().min(1).optional() })
  .strict();
export const simulatedInboundBody = z
  .object({ from: z.string().min(1).max(32), to: z.string().min(1).max(32), text: z.string().max(1600) })
  .strict();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function inboundView(row: InboundRow) {
  return {
    id: row.id,
    accountId: row.account_id,
    connector: row.connector,
    from: row.from_number,
    to: row.to_number,
    text: row.body,
    inReplyTo: row.message_id,
    keyword: row.keyword,
    receivedAt: iso(row.received_at),
  };
}

/** Inbound messages, opt-outs, and (admin) simulated inbound messages through the `sim` connector. */
export function registerInboundRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = { preHandler: requireAuth(gateway) };
  const policy = new AccessPolicy(gateway.store);
  const { store } = gateway;

  app.get('/v1/inbound', auth, async (request) => {
    const q = parseRequest(inboundQuery, request.query);
    const limit = q.limit ?? 100;
    const rows = await listInbound(store, {
      accountIds: await listScope(policy, principalOf(request)),
      messageId: q.messageId,
      // A short code or sender id is a filter too; only something that looks like a number with
      // its `+` turned into a space (unencoded in the query) is read back as one.
      from:
        q.from === undefined
          ? undefined
          : addressReadings(
              /^ +\d/.test(q.from) ? `+${q.from.trimStart()}` : q.from,
              gateway.config.defaultRegion,
            )[0],
      before: q.cursor,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      data: page.map(inboundView),
      nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
    };
  });

  app.get<{ Params: { id: string } }>('/v1/inbound/:id', auth, async (request) => {
    const row = await findInbound(store, request.params.id, await listScope(policy, principalOf(request)));
    if (!row) throw new NotFoundError(`Inbound message ${request.params.id}`);
    return inboundView(row);
  });

  app.get('/v1/opt-outs', auth, async (request) => {
    const principal = principalOf(request);
    const { accountId } = parseRequest(accountQuery, request.query);
    const account = await policy.visibleAccount(principal, accountId ?? principal.accountId);
    const rows = await listOptOuts(store, account.id);
    return {
      accountId: account.id,
      data: rows.map((r) => ({
        number: r.number,
        source: r.source,
        inboundId: r.inbound_id,
        createdAt: iso(r.created_at),
      })),
    };
  });

  app.post('/v1/opt-outs', auth, async (request, reply) => {
    const principal = principalOf(request);
    const body = parseRequest(optOutBody, request.body);
    const account = await policy.manageableAccount(
      principal,
      body.accountId ?? principal.accountId,
      'settings',
    );
    const number = toE164(body.number, 'number', gateway.config.defaultRegion);
    const created = await addOptOut(store, {
      account_id: account.id,
      number,
      source: 'api',
      inbound_id: null,
      created_at: Date.now(),
    });
    gateway.optOuts.add(account.id, number);
    if (created) {
      await audit(store, principal, 'opt-out.add', {
        type: 'account',
        id: account.id,
        tenantId: account.tenant_id,
      });
    }
    return reply.status(created ? 201 : 200).send({ accountId: account.id, number, created });
  });

  app.delete<{ Params: { number: string } }>('/v1/opt-outs/:number', auth, async (request, reply) => {
    const principal = principalOf(request);
    const { accountId } = parseRequest(accountQuery, request.query);
    const account = await policy.manageableAccount(principal, accountId ?? principal.accountId, 'settings');
    const number = toE164(request.params.number, 'number', gateway.config.defaultRegion);
    if (!(await removeOptOut(store, account.id, number))) throw new NotFoundError(`Opt-out of ${number}`);
    gateway.optOuts.remove(account.id, number);
    await audit(store, principal, 'opt-out.remove', {
      type: 'account',
      id: account.id,
      tenantId: account.tenant_id,
    });
    return reply.status(204).send();
  });

  app.post<{ Params: { name: string } }>('/v1/connectors/:name/inbound', auth, async (request, reply) => {
    requireCapability(
      principalOf(request),
      'connectors:simulate-inbound',
      'Only an admin may simulate inbound messages',
    );
    const body = parseRequest(simulatedInboundBody, request.body);
    if (body.text.length === 0) throw new ValidationError('text must not be empty', 'text');
    const connector = gateway.connectors.get(request.params.name);
    if (!connector) throw new NotFoundError(`Connector ${request.params.name}`);
    if (!connector.simulateInbound) {
      throw new ConflictError(
        `Connector ${connector.name} is a real upstream (${connector.type}); only sim connectors simulate inbound messages`,
        'not_simulated',
      );
    }
    await connector.simulateInbound(body);
    return reply.status(202).send({ accepted: true });
  });
}
