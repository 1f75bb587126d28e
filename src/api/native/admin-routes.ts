import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AccessPolicy, can, requireCapability, suspendedByPartner } from '../../accounts/access-policy.js';
import { ceilingsView, parseAdminLimits, withAdminChange } from '../../accounts/admin-limits.js';
import { generateApiKey } from '../../accounts/api-keys.js';
import { audit } from '../../accounts/audit.js';
import { licenseeIdOfTenant } from '../../accounts/licensee-ids.js';
import { MICROS } from '../../accounts/price-list.js';
import { ROLES } from '../../accounts/roles.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Gateway } from '../../gateway.js';
import {
  type AccountChanges,
  type AccountRow,
  insertAccount,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  updateAccount,
} from '../../store/queries/accounts.js';
import { listAuditEntries } from '../../store/queries/audit-log.js';
import {
  insertTenant,
  listTenants,
  listTenantsOfDisabledPartners,
  type TenantRow,
} from '../../store/queries/tenants.js';
import { newWebhookSecret } from '../../webhooks/webhook-secret.js';
import { parseRequest } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';
import { registerBalanceRoutes } from './balance-routes.js';
import { registerCredentialRoutes } from './credential-routes.js';

const name = z.string().trim().min(1).max(200);
export const tenantBody = z.object({ name, partnerAccountId: z.string().min(1).optional() }).strict();
export const accountBody = z
  .object({ name, role: z.enum(ROLES).default('client'), tenantId: z.string().min(1).nullable().optional() })
  .strict();
export const limitsBody = z
  .object({
    ratePerSecond: z.number().positive().max(100_000).nullable().optional(),
    burst: z.number().int().min(1).max(1_000_000).nullable().optional(),
    monthlySegmentQuota: z.number().int().min(0).nullable().optional(),
    allowedSenders: z.array(z.string().min(1).max(20)).max(100).nullable().optional(),
    /** Pay from a prepaid balance (turning it on starts at 0; off forgets the balance). */
    prepaid: z.boolean().optional(),
  })
  .strict();
export const accountPatch = z
  .object({ name: name.optional(), disabled: z.boolean().optional(), limits: limitsBody.optional() })
  .strict();
export const keyBody = z.object({ name: z.string().max(200).optional() }).strict();
export const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }).strict();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const tenantView = (t: TenantRow) => ({
  id: t.id,
  name: t.name,
  partnerAccountId: t.partner_account_id,
  /** The tenant as the ServiceStack dialect's `LicenseeId` names it (a GUID). */
  licenseeId: licenseeIdOfTenant(t.id) ?? null,
  createdAt: iso(t.created_at),
});
/** An account as the API shows it; `suspendedTenants` are the tenants whose partner is disabled. */
const accountView = (a: AccountRow, suspendedTenants: ReadonlySet<string>) => ({
  id: a.id,
  name: a.name,
  role: a.role,
  tenantId: a.tenant_id,
  disabled: a.disabled_at !== null,
  /** Its keys fail because the partner managing its tenant is disabled. */
  suspended: suspendedByPartner(a.role, a.tenant_id !== null && suspendedTenants.has(a.tenant_id)),
  limits: {
    ratePerSecond: a.rate_per_second,
    burst: a.rate_burst,
    monthlySegmentQuota: a.monthly_segment_quota,
    allowedSenders: a.allowed_senders === null ? null : (JSON.parse(a.allowed_senders) as string[]),
    prepaid: a.balance_micros !== null,
  },
  /** The limits an admin set: ceilings only an admin may raise or remove. */
  ceilings: ceilingsView(parseAdminLimits(a.admin_limits)),
  balance: a.balance_micros === null ? null : a.balance_micros / MICROS,
  webhooks: { statusUrl: a.status_webhook_url, inboundUrl: a.inbound_webhook_url },
  createdAt: iso(a.created_at),
});

/**
 * Tenants, accounts, API keys, usage and balances (balance-routes.ts), dialect credentials
 * (credential-routes.ts) and the audit log, under the permission matrix of `AccessPolicy`.
 */
export function registerAdminRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = { preHandler: requireAuth(gateway) };
  const policy = new AccessPolicy(gateway.store);
  const { store } = gateway;

  app.post('/v1/tenants', auth, async (request, reply) => {
    const principal = principalOf(request);
    policy.requireTenantCreation(principal);
    const body = parseRequest(tenantBody, request.body);
    let partner: string | null = principal.role === 'partner' ? principal.accountId : null;
    if (body.partnerAccountId !== undefined) {
      requireCapability(principal, 'tenants:assign-partner', 'Only an admin assigns a tenant to a partner');
      const target = await policy.visibleAccount(principal, body.partnerAccountId);
      if (target.role !== 'partner') {
        throw new ValidationError('partnerAccountId must name a partner account', 'partnerAccountId');
      }
      partner = target.id;
    }
    const tenant: TenantRow = {
      id: newId('ten'),
      name: body.name,
      partner_account_id: partner,
      created_at: Date.now(),
    };
    await insertTenant(store, tenant);
    await audit(
      store,
      principal,
      'tenant.create',
      { type: 'tenant', id: tenant.id, tenantId: tenant.id },
      { name: tenant.name },
    );
    return reply.status(201).send(tenantView(tenant));
  });

  app.get('/v1/tenants', auth, async (request) => {
    const principal = principalOf(request);
    requireCapability(principal, 'tenants:list', 'Clients cannot list tenants');
    const managed = await policy.managedTenants(principal);
    const tenants = managed === 'all' ? await listTenants(store) : managed;
    return { data: tenants.map(tenantView) };
  });

  app.get<{ Params: { id: string } }>('/v1/tenants/:id', auth, async (request) =>
    tenantView(await policy.visibleTenant(principalOf(request), request.params.id)),
  );

  app.post('/v1/accounts', auth, async (request, reply) => {
    const principal = principalOf(request);
    const body = parseRequest(accountBody, request.body);
    const tenantId = body.tenantId ?? null;
    await policy.checkNewAccount(principal, body.role, tenantId);
    const now = Date.now();
    const account: AccountRow = {
      id: newId('acc'),
      name: body.name,
      role: body.role,
      tenant_id: tenantId,
      created_at: now,
      disabled_at: null,
      rate_per_second: null,
      rate_burst: null,
      monthly_segment_quota: null,
      allowed_senders: null,
      balance_micros: null,
      status_webhook_url: null,
      inbound_webhook_url: null,
      inbound_webhook_format: null,
      webhook_secret: newWebhookSecret(),
      opt_out_keywords: null,
      admin_limits: null,
    };
    await insertAccount(store, account);
    const key = generateApiKey();
    const keyId = newId('key');
    await insertApiKey(store, {
      id: keyId,
      account_id: account.id,
      prefix: key.prefix,
      hash: key.hash,
      name: 'initial key',
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    });
    await audit(
      store,
      principal,
      'account.create',
      { type: 'account', id: account.id, tenantId },
      { role: account.role },
    );
    // The key is shown here once; only its hash is stored.
    return reply.status(201).send({
      ...accountView(account, await listTenantsOfDisabledPartners(store)),
      apiKey: { id: keyId, prefix: key.prefix, key: key.key },
    });
  });

  app.get('/v1/accounts', auth, async (request) => {
    const suspended = await listTenantsOfDisabledPartners(store);
    const accounts = await policy.visibleAccounts(principalOf(request));
    return { data: accounts.map((a) => accountView(a, suspended)) };
  });

  app.get<{ Params: { id: string } }>('/v1/accounts/:id', auth, async (request) =>
    accountView(
      await policy.visibleAccount(principalOf(request), request.params.id),
      await listTenantsOfDisabledPartners(store),
    ),
  );

  app.patch<{ Params: { id: string } }>('/v1/accounts/:id', auth, async (request) => {
    const principal = principalOf(request);
    const body = parseRequest(accountPatch, request.body);
    const account = await policy.manageableAccount(principal, request.params.id, 'account');
    if (body.disabled === true && account.id === principal.accountId) {
      throw new ForbiddenError('An account cannot disable itself');
    }
    const changes: AccountChanges = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.disabled !== undefined)
      changes.disabled_at = body.disabled ? (account.disabled_at ?? Date.now()) : null;
    if (body.limits) {
      policy.checkLimitsChange(principal, account, body.limits);
      const l = body.limits;
      if (can(principal, 'limits:set-ceilings')) {
        changes.admin_limits = withAdminChange(parseAdminLimits(account.admin_limits), l);
      }
      if (l.ratePerSecond !== undefined) changes.rate_per_second = l.ratePerSecond;
      if (l.burst !== undefined) changes.rate_burst = l.burst;
      if (l.monthlySegmentQuota !== undefined) changes.monthly_segment_quota = l.monthlySegmentQuota;
      if (l.allowedSenders !== undefined) {
        changes.allowed_senders = l.allowedSenders === null ? null : JSON.stringify(l.allowedSenders);
      }
      if (l.prepaid !== undefined) changes.balance_micros = l.prepaid ? (account.balance_micros ?? 0) : null;
    }
    await updateAccount(store, account.id, changes);
    gateway.auth.invalidate();
    gateway.limits.invalidate(account.id);
    if (changes.balance_micros === null) gateway.limits.adjustBalance(account.id, null);
    await audit(
      store,
      principal,
      'account.update',
      { type: 'account', id: account.id, tenantId: account.tenant_id },
      body,
    );
    return accountView({ ...account, ...changes }, await listTenantsOfDisabledPartners(store));
  });

  app.post<{ Params: { id: string } }>('/v1/accounts/:id/keys', auth, async (request, reply) => {
    const principal = principalOf(request);
    const body = parseRequest(keyBody, request.body);
    const account = await policy.manageableAccount(principal, request.params.id, 'keys');
    const key = generateApiKey();
    const row = {
      id: newId('key'),
      account_id: account.id,
      prefix: key.prefix,
      hash: key.hash,
      name: body.name ?? null,
      created_at: Date.now(),
      last_used_at: null,
      revoked_at: null,
    };
    await insertApiKey(store, row);
    await audit(
      store,
      principal,
      'key.create',
      { type: 'api_key', id: row.id, tenantId: account.tenant_id, accountId: account.id },
      { accountId: account.id, prefix: key.prefix },
    );
    return reply
      .status(201)
      .send({ id: row.id, prefix: row.prefix, name: row.name, key: key.key, createdAt: iso(row.created_at) });
  });

  app.get<{ Params: { id: string } }>('/v1/accounts/:id/keys', auth, async (request) => {
    const account = await policy.manageableAccount(principalOf(request), request.params.id, 'keys');
    const keys = await listApiKeys(store, account.id);
    return {
      data: keys.map((k) => ({
        id: k.id,
        prefix: k.prefix,
        name: k.name,
        createdAt: iso(k.created_at),
        lastUsedAt: iso(k.last_used_at),
        revokedAt: iso(k.revoked_at),
      })),
    };
  });

  app.delete<{ Params: { id: string; keyId: string } }>(
    '/v1/accounts/:id/keys/:keyId',
    auth,
    async (request, reply) => {
      const principal = principalOf(request);
      const account = await policy.manageableAccount(principal, request.params.id, 'keys');
      if (!(await revokeApiKey(store, account.id, request.params.keyId, Date.now()))) {
        throw new NotFoundError(`API key ${request.params.keyId}`);
      }
      gateway.auth.invalidate();
      await audit(
        store,
        principal,
        'key.revoke',
        { type: 'api_key', id: request.params.keyId, tenantId: account.tenant_id, accountId: account.id },
        { accountId: account.id },
      );
      return reply.status(204).send();
    },
  );

  registerBalanceRoutes(app, gateway, policy);
  registerCredentialRoutes(app, gateway, policy);

  app.get('/v1/audit', auth, async (request) => {
    const principal = principalOf(request);
    requireCapability(principal, 'audit:read', 'Clients cannot read the audit log');
    const { limit } = parseRequest(auditQuery, request.query);
    // An entry follows the visibility of what it is about (AccessPolicy.auditScope).
    const scope = await policy.auditScope(principal);
    const entries =
      scope === 'all'
        ? await listAuditEntries(store, { limit: limit ?? 100 })
        : await listAuditEntries(store, { ...scope, limit: limit ?? 100 });
    const visibleActors = scope === 'all' ? undefined : new Set(scope.accountIds);
    return {
      data: entries.map((e) => ({
        id: e.id,
        at: iso(e.at),
        // An actor the reader may not see (an admin, usually) is not named.
        actorAccountId:
          visibleActors === undefined || visibleActors.has(e.actor_account_id) ? e.actor_account_id : null,
        action: e.action,
        targetType: e.target_type,
        targetId: e.target_id,
        tenantId: e.tenant_id,
        detail: e.detail === null ? null : (JSON.parse(e.detail) as unknown),
      })),
    };
  });
}
