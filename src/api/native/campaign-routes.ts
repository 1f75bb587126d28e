import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AccessPolicy, requireCapability } from '../../accounts/access-policy.js';
import { audit } from '../../accounts/audit.js';
import type { Principal } from '../../accounts/roles.js';
import { placeholdersOf } from '../../campaigns/campaign-template.js';
import { Campaigns } from '../../campaigns/campaigns.js';
import { deflectedCallReport } from '../../campaigns/deflected-call-report.js';
import type { Gateway } from '../../gateway.js';
import type { AccountRow } from '../../store/queries/accounts.js';
import type { CampaignRow } from '../../store/queries/campaigns.js';
import { parseRequest } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';
import { listScope } from './list-scope.js';

const text = z.string().min(1).max(100_000);
const from = z.string().trim().min(1).max(20).nullable().optional();
const connector = z.string().min(1).max(64).nullable().optional();
const name = z.string().trim().max(200).nullable().optional();
export const createBody = z
  .object({
    id: z.string().min(1).max(100),
    name,
    text,
    from,
    connector,
    accountId: z.string().min(1).optional(),
  })
  .strict();
export const patchBody = z.object({ name, text: text.optional(), from, connector }).strict();
export const accountQuery = z.object({ accountId: z.string().min(1).optional() }).strict();
export const reportQuery = accountQuery
  .extend({ from: z.string().optional(), to: z.string().optional() })
  .strict();

/** A campaign as the API shows it. */
export function campaignView(row: CampaignRow) {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    text: row.text,
    placeholders: placeholdersOf(row.text),
    from: row.sender,
    connector: row.connector,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/**
 * `/v1/campaigns` (seed 004): an account's campaign SMS templates. A caller manages the campaigns of
 * the accounts whose settings it manages (its own; a partner's tenants' clients'; an admin any),
 * naming another account with `accountId`; anyone else's are 404. Only an admin pins a campaign to
 * a connector.
 */
export function registerCampaignRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = { preHandler: requireAuth(gateway) };
  const policy = new AccessPolicy(gateway.store);
  const campaigns = new Campaigns(gateway.store, gateway.config, () => [...gateway.connectors.keys()]);
  const target = (
    principal: Principal,
    accountId: string | undefined,
    write: boolean,
  ): Promise<AccountRow> =>
    write
      ? policy.manageableAccount(principal, accountId ?? principal.accountId, 'settings')
      : policy.visibleAccount(principal, accountId ?? principal.accountId);
  const checkConnector = (principal: Principal, value: string | null | undefined) => {
    if (value !== undefined) {
      requireCapability(
        principal,
        'campaigns:choose-connector',
        'Only an admin pins a campaign to a connector',
      );
    }
  };
  const auditCampaign = (principal: Principal, action: string, account: AccountRow, id: string) =>
    audit(
      gateway.store,
      principal,
      action,
      { type: 'campaign', id, tenantId: account.tenant_id, accountId: account.id },
      { accountId: account.id },
    );

  app.post('/v1/campaigns', auth, async (request, reply) => {
    const principal = principalOf(request);
    const body = parseRequest(createBody, request.body);
    const account = await target(principal, body.accountId, true);
    checkConnector(principal, body.connector);
    const row = await campaigns.create(account.id, body.id, body);
    await auditCampaign(principal, 'campaign.create', account, row.id);
    return reply.status(201).send(campaignView(row));
  });

  app.get('/v1/campaigns', auth, async (request) => {
    const principal = principalOf(request);
    const { accountId } = parseRequest(accountQuery, request.query);
    const accounts =
      accountId === undefined
        ? await listScope(policy, principal)
        : [(await target(principal, accountId, false)).id];
    return { data: (await campaigns.list(accounts)).map(campaignView) };
  });

  app.get<{ Params: { id: string } }>('/v1/campaigns/:id', auth, async (request) => {
    const principal = principalOf(request);
    const { accountId } = parseRequest(accountQuery, request.query);
    const account = await target(principal, accountId, false);
    return campaignView(await campaigns.get(account.id, request.params.id));
  });

  app.patch<{ Params: { id: string } }>('/v1/campaigns/:id', auth, async (request) => {
    const principal = principalOf(request);
    const { accountId } = parseRequest(accountQuery, request.query);
    const body = parseRequest(patchBody, request.body);
    const account = await target(principal, accountId, true);
    checkConnector(principal, body.connector);
    const row = await campaigns.update(account.id, request.params.id, body);
    await auditCampaign(principal, 'campaign.update', account, row.id);
    return campaignView(row);
  });

  app.delete<{ Params: { id: string } }>('/v1/campaigns/:id', auth, async (request, reply) => {
    const principal = principalOf(request);
    const { accountId } = parseRequest(accountQuery, request.query);
    const account = await target(principal, accountId, true);
    await campaigns.delete(account.id, request.params.id);
    await auditCampaign(principal, 'campaign.delete', account, request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: { id: string } }>('/v1/campaigns/:id/report', auth, async (request) => {
    const principal = principalOf(request);
    const query = parseRequest(reportQuery, request.query);
    const account = await target(principal, query.accountId, false);
    // A deleted campaign's calls still count: the report reads interactions, not campaigns.
    return deflectedCallReport(gateway.store, {
      accountId: account.id,
      campaignId: request.params.id,
      from: query.from,
      to: query.to,
    });
  });
}
