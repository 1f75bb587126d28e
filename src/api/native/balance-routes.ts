import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type AccessPolicy, can, requireCapability } from '../../accounts/access-policy.js';
import { audit } from '../../accounts/audit.js';
import { balanceTooLow, PrepaidBalances } from '../../accounts/prepaid-balances.js';
import { MICROS } from '../../accounts/price-list.js';
import { ConflictError, GatewayError, ValidationError } from '../../core/errors.js';
import type { Gateway } from '../../gateway.js';
import { findUsage, usagePeriod } from '../../store/queries/account-usage.js';
import { replacePrices } from '../../store/queries/prices.js';
import { parseRequest } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';

export const balanceBody = z
  .object({
    amount: z
      .number()
      .finite()
      .refine((n) => n !== 0 && Math.abs(n) <= 1e9, 'a non-zero amount up to 1e9'),
  })
  .strict();
export const pricesBody = z
  .object({
    prices: z
      .array(
        z
          .object({
            prefix: z.string().regex(/^\+\d*$/, 'an E.164 prefix such as +44'),
            price: z.number().finite().min(0).max(1e6),
          })
          .strict(),
      )
      .max(100_000),
  })
  .strict();
/**
 * An account's usage, prepaid balance top-ups (docs/permissions.md, "Top-ups") and the price list.
 */
export function registerBalanceRoutes(app: FastifyInstance, gateway: Gateway, policy: AccessPolicy): void {
  const auth = { preHandler: requireAuth(gateway) };
  const { store } = gateway;

  app.get<{ Params: { id: string } }>('/v1/accounts/:id/usage', auth, async (request) => {
    const account = await policy.visibleAccount(principalOf(request), request.params.id);
    const period = usagePeriod(Date.now());
    return {
      accountId: account.id,
      period,
      segments: await findUsage(store, account.id, period),
      monthlySegmentQuota: account.monthly_segment_quota,
      balance: account.balance_micros === null ? null : account.balance_micros / MICROS,
    };
  });

  const balances = new PrepaidBalances(store, gateway.limits);

  app.post<{ Params: { id: string } }>('/v1/accounts/:id/balance', auth, async (request) => {
    const principal = principalOf(request);
    const { amount } = parseRequest(balanceBody, request.body);
    const account = await policy.manageableAccount(principal, request.params.id, 'account');
    if (account.balance_micros === null) {
      throw new ConflictError(
        `Account ${account.id} is not prepaid; set limits.prepaid first`,
        'not_prepaid',
      );
    }
    const micros = Math.round(amount * MICROS);
    if (micros === 0) throw new ValidationError('amount is smaller than a millionth', 'amount');
    const target = { type: 'account', id: account.id, tenantId: account.tenant_id };
    if (can(principal, 'balance:mint')) {
      const balance = await balances.adjust(account.id, micros);
      await audit(store, principal, 'account.balance', target, { amount });
      return { accountId: account.id, balance: balance / MICROS };
    }
    // Below an admin, credit is never made, only moved: from the caller's own prepaid balance to the
    // account's (a negative amount moves it back).
    const own = await policy.visibleAccount(principal, principal.accountId);
    if (own.balance_micros === null) {
      throw new ConflictError(
        `Your account ${own.id} is not prepaid: a partner tops up its clients from its own prepaid balance`,
        'not_prepaid',
      );
    }
    const [from, to] = micros > 0 ? [own.id, account.id] : [account.id, own.id];
    const moved = await balances.transfer(from, to, Math.abs(micros));
    if (moved === 'insufficient' && from === own.id) {
      throw new GatewayError(
        402,
        'insufficient_balance',
        `Your prepaid balance does not cover this top-up (${amount})`,
      );
    }
    if (moved === 'insufficient') throw balanceTooLow(account.id, Math.abs(micros));
    if (typeof moved === 'string') {
      throw new ConflictError('The balance changed to not prepaid meanwhile; nothing moved', 'not_prepaid');
    }
    const balance = from === own.id ? moved.to : moved.from;
    const ownBalance = from === own.id ? moved.from : moved.to;
    await audit(store, principal, 'account.balance', target, { amount, counterpartAccountId: own.id });
    await audit(
      store,
      principal,
      'account.balance',
      { type: 'account', id: own.id, tenantId: own.tenant_id },
      { amount: -amount, counterpartAccountId: account.id },
    );
    return {
      accountId: account.id,
      balance: balance / MICROS,
      partnerAccountId: own.id,
      partnerBalance: ownBalance / MICROS,
    };
  });

  app.get('/v1/prices', auth, async (request) => {
    requireCapability(principalOf(request), 'prices:read', 'Clients cannot read the price list');
    return {
      data: (await gateway.prices.load()).map((p) => ({ prefix: p.prefix, price: p.price_micros / MICROS })),
    };
  });

  app.put('/v1/prices', auth, async (request) => {
    const principal = principalOf(request);
    requireCapability(principal, 'prices:write', 'Only an admin sets prices');
    const { prices } = parseRequest(pricesBody, request.body);
    await replacePrices(
      store,
      prices.map((p) => ({ prefix: p.prefix, price_micros: Math.round(p.price * MICROS) })),
    );
    gateway.prices.invalidate();
    await audit(
      store,
      principal,
      'prices.replace',
      { type: 'prices', id: 'all', tenantId: null },
      { count: prices.length },
    );
    return { data: prices };
  });
}
