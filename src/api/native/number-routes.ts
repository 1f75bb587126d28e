import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireCapability } from '../../accounts/access-policy.js';
import { audit } from '../../accounts/audit.js';
import { NotFoundError } from '../../core/errors.js';
import { parseSender } from '../../core/phone-numbers.js';
import type { Gateway } from '../../gateway.js';
import { findAccount } from '../../store/queries/accounts.js';
import {
  deleteSenderNumber,
  loadSenderNumbers,
  saveSenderNumber,
} from '../../store/queries/sender-numbers.js';
import { parseRequest } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';

export const ownerBody = z.object({ accountId: z.string().min(1).max(64) }).strict();

/**
 * Owned sender numbers (admin): `PUT /v1/numbers/:number {"accountId"}` gives a number (or short
 * code, or sender id) to one account, so replies to it are that account's alone and no other account
 * may send from it; `DELETE` releases it; `GET /v1/numbers` lists them.
 */
export function registerNumberRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = { preHandler: requireAuth(gateway) };
  const view = (row: { number: string; account_id: string; created_at: number }) => ({
    number: row.number,
    accountId: row.account_id,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  });
  const normalize = (raw: string) => parseSender(raw, 'number', gateway.config.defaultRegion).value;

  app.get('/v1/numbers', auth, async (request) => {
    requireCapability(principalOf(request), 'numbers:manage', 'Only an admin may see owned numbers');
    return { data: (await loadSenderNumbers(gateway.store)).map(view) };
  });

  app.put<{ Params: { number: string } }>('/v1/numbers/:number', auth, async (request) => {
    const principal = principalOf(request);
    requireCapability(principal, 'numbers:manage', 'Only an admin may give numbers to accounts');
    const number = normalize(request.params.number);
    const { accountId } = parseRequest(ownerBody, request.body);
    const account = await findAccount(gateway.store, accountId);
    if (!account) throw new NotFoundError(`Account ${accountId}`);
    const row = { number, account_id: account.id, created_at: Date.now() };
    await saveSenderNumber(gateway.store, row);
    gateway.senderNumbers.set(number, account.id);
    await audit(gateway.store, principal, 'number.assign', {
      type: 'number',
      id: number,
      tenantId: account.tenant_id,
      accountId: account.id,
    });
    return view(row);
  });

  app.delete<{ Params: { number: string } }>('/v1/numbers/:number', auth, async (request, reply) => {
    const principal = principalOf(request);
    requireCapability(principal, 'numbers:manage', 'Only an admin may release numbers');
    const number = normalize(request.params.number);
    const owner = gateway.senderNumbers.ownerOf([number]);
    if (!(await deleteSenderNumber(gateway.store, number))) throw new NotFoundError(`Number ${number}`);
    gateway.senderNumbers.remove(number);
    await audit(gateway.store, principal, 'number.release', {
      type: 'number',
      id: number,
      tenantId: null,
      ...(owner ? { accountId: owner } : {}),
    });
    return reply.status(204).send();
  });
}
