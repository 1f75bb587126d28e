import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AccessPolicy, requireCapability } from '../../accounts/access-policy.js';
import { audit } from '../../accounts/audit.js';
import { optOutKeywordsSchema } from '../../accounts/opt-out-keywords.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { Gateway } from '../../gateway.js';
import { updateAccount } from '../../store/queries/accounts.js';
import { findNewestLiveCredential } from '../../store/queries/credentials.js';
import {
  EVENT_STATES,
  type EventRow,
  findEvent,
  listEvents,
  replayEvents,
} from '../../store/queries/events.js';
import { urlRefusal } from '../../webhooks/address-guard.js';
import { newWebhookSecret } from '../../webhooks/webhook-secret.js';
import { parseRequest } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';
import { listScope } from './list-scope.js';
import { parseTimestamp } from './send-body.js';

const MAX_REPLAY = 100_000;

/** The format name an account's stored inbound format shows (`twilio:<credential>` → `twilio`). */
function inboundFormatName(stored: string | null): string {
  return stored === null ? 'native' : stored.split(':')[0]!;
}

/**
 * What to store for a requested inbound format: Twilio's form is signed with the auth token of
 * the account's newest live `twilio` credential, named in the stored format so a later credential
 * does not change whose token signs without the account asking again.
 */
async function storedInboundFormat(
  store: Gateway['store'],
  accountId: string,
  requested: 'native' | 'twilio' | undefined,
): Promise<string | null | undefined> {
  if (requested === undefined) return undefined;
  if (requested === 'native') return null;
  const credential = await findNewestLiveCredential(store, accountId, 'twilio');
  if (!credential) {
    throw new ValidationError(
      "inboundFormat twilio signs with the account's twilio credential (its auth token): create one first",
      'inboundFormat',
    );
  }
  return `twilio:${credential.id}`;
}

export const webhookSettingsBody = z
  .object({
    statusUrl: z.string().max(2000).nullable().optional(),
    inboundUrl: z.string().max(2000).nullable().optional(),
    /** How inbound messages are posted: smsgate's JSON, or Twilio's signed form (docs/dialects/twilio.md). */
    inboundFormat: z.enum(['native', 'twilio']).optional(),
  })
  .strict();
export const keywordsBody = z
  .object({ keywords: z.record(z.string().min(2).max(16), optOutKeywordsSchema).nullable() })
  .strict();
export const eventsQuery = z
  .object({
    state: z.enum(EVENT_STATES).optional(),
    messageId: z.string().optional(),
    since: z.string().optional(),
    until: z.string().optional(),
    cursor: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();
export const replayBody = z
  .object({
    since: z.string(),
    until: z.string(),
    state: z.enum(['delivered', 'dead', 'skipped']).optional(),
    messageId: z.string().optional(),
  })
  .strict();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An event as the API shows it (its delivery state; the payload is built at delivery). */
export function eventView(e: EventRow) {
  return {
    id: e.id,
    type: e.type,
    accountId: e.account_id,
    messageId: e.message_id,
    inboundId: e.inbound_id,
    status: e.status,
    code: e.code,
    url: e.url,
    format: e.format,
    state: e.state,
    attempts: e.attempts,
    nextAttemptAt: e.state === 'pending' ? iso(e.next_attempt_at) : null,
    lastError: e.last_error,
    at: iso(e.at),
    createdAt: iso(e.created_at),
    deliveredAt: iso(e.delivered_at),
  };
}

/**
 * Webhook settings of an account (URLs, signing secret, opt-out keywords) and the events outbox:
 * list, inspect, replay one event or a time range.
 */
export function registerWebhookRoutes(app: FastifyInstance, gateway: Gateway): void {
  const auth = { preHandler: requireAuth(gateway) };
  const policy = new AccessPolicy(gateway.store);
  const { store } = gateway;
  const checkUrl = (value: string | null | undefined, field: string): string | null | undefined => {
    if (value === null || value === undefined) return value;
    const refusal = urlRefusal(value, {
      allowPrivateAddresses: gateway.config.webhooks.allowPrivateAddresses,
    });
    if (refusal !== null)
      throw new ValidationError(`${field} is not allowed: ${refusal}`, field, 'callback_not_allowed');
    return new URL(value).toString();
  };

  app.get<{ Params: { id: string } }>('/v1/accounts/:id/webhooks', auth, async (request) => {
    const account = await policy.manageableAccount(principalOf(request), request.params.id, 'settings');
    return {
      statusUrl: account.status_webhook_url,
      inboundUrl: account.inbound_webhook_url,
      inboundFormat: inboundFormatName(account.inbound_webhook_format),
      secret: account.webhook_secret,
    };
  });

  app.put<{ Params: { id: string } }>('/v1/accounts/:id/webhooks', auth, async (request) => {
    const principal = principalOf(request);
    const body = parseRequest(webhookSettingsBody, request.body);
    const account = await policy.manageableAccount(principal, request.params.id, 'settings');
    const statusUrl = checkUrl(body.statusUrl, 'statusUrl');
    const inboundUrl = checkUrl(body.inboundUrl, 'inboundUrl');
    const inboundFormat = await storedInboundFormat(store, account.id, body.inboundFormat);
    const changes = {
      ...(statusUrl !== undefined ? { status_webhook_url: statusUrl } : {}),
      ...(inboundUrl !== undefined ? { inbound_webhook_url: inboundUrl } : {}),
      ...(inboundFormat !== undefined ? { inbound_webhook_format: inboundFormat } : {}),
    };
    await updateAccount(store, account.id, changes);
    await audit(
      store,
      principal,
      'account.webhooks',
      { type: 'account', id: account.id, tenantId: account.tenant_id },
      changes,
    );
    const updated = { ...account, ...changes };
    return {
      statusUrl: updated.status_webhook_url,
      inboundUrl: updated.inbound_webhook_url,
      inboundFormat: inboundFormatName(updated.inbound_webhook_format),
      secret: updated.webhook_secret,
    };
  });

  app.post<{ Params: { id: string } }>('/v1/accounts/:id/webhooks/rotate-secret', auth, async (request) => {
    const principal = principalOf(request);
    const account = await policy.manageableAccount(principal, request.params.id, 'settings');
    const secret = newWebhookSecret();
    await updateAccount(store, account.id, { webhook_secret: secret });
    await audit(store, principal, 'account.webhook-secret.rotate', {
      type: 'account',
      id: account.id,
      tenantId: account.tenant_id,
    });
    return { secret };
  });

  app.put<{ Params: { id: string } }>('/v1/accounts/:id/opt-out-keywords', auth, async (request) => {
    const principal = principalOf(request);
    const body = parseRequest(keywordsBody, request.body);
    const account = await policy.manageableAccount(principal, request.params.id, 'settings');
    const value = body.keywords === null ? null : JSON.stringify(body.keywords);
    await updateAccount(store, account.id, { opt_out_keywords: value });
    await audit(
      store,
      principal,
      'account.opt-out-keywords',
      { type: 'account', id: account.id, tenantId: account.tenant_id },
      body,
    );
    return { keywords: body.keywords ?? gateway.config.optOut.keywords, custom: body.keywords !== null };
  });

  app.get<{ Params: { id: string } }>('/v1/accounts/:id/opt-out-keywords', auth, async (request) => {
    const account = await policy.visibleAccount(principalOf(request), request.params.id);
    const custom = account.opt_out_keywords !== null;
    return {
      keywords: custom ? (JSON.parse(account.opt_out_keywords!) as unknown) : gateway.config.optOut.keywords,
      custom,
    };
  });

  app.get('/v1/events', auth, async (request) => {
    const q = parseRequest(eventsQuery, request.query);
    const limit = q.limit ?? 100;
    const rows = await listEvents(store, {
      accountIds: await listScope(policy, principalOf(request)),
      state: q.state,
      messageId: q.messageId,
      since: q.since === undefined ? undefined : parseTimestamp(q.since, 'since'),
      until: q.until === undefined ? undefined : parseTimestamp(q.until, 'until'),
      beforeSeq: q.cursor,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      data: page.map(eventView),
      nextCursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null,
    };
  });

  app.get('/v1/events/delivery', auth, async (request) => {
    requireCapability(
      principalOf(request),
      'webhooks:read-all',
      'Only an admin may see the webhook deliverer',
    );
    return gateway.webhooks.status();
  });

  app.get<{ Params: { id: string } }>('/v1/events/:id', auth, async (request) => {
    const event = await findEvent(store, request.params.id, await listScope(policy, principalOf(request)));
    if (!event) throw new NotFoundError(`Event ${request.params.id}`);
    return eventView(event);
  });

  app.post<{ Params: { id: string } }>('/v1/events/:id/replay', auth, async (request) => {
    const principal = principalOf(request);
    const accountIds = await listScope(policy, principal);
    const event = await findEvent(store, request.params.id, accountIds);
    if (!event) throw new NotFoundError(`Event ${request.params.id}`);
    const replayed = await replayEvents(store, { ids: [event.id], accountIds }, Date.now(), 1);
    gateway.webhooks.replay(replayed);
    return { replayed: replayed.length, event: eventView((await findEvent(store, event.id))!) };
  });

  app.post('/v1/events/replay', auth, async (request) => {
    const principal = principalOf(request);
    const body = parseRequest(replayBody, request.body);
    const since = parseTimestamp(body.since, 'since');
    const until = parseTimestamp(body.until, 'until');
    if (until <= since) throw new ValidationError('until must be after since', 'until');
    const replayed = await replayEvents(
      store,
      {
        accountIds: await listScope(policy, principal),
        state: body.state,
        messageId: body.messageId,
        since,
        until,
      },
      Date.now(),
      MAX_REPLAY,
    );
    gateway.webhooks.replay(replayed);
    return { replayed: replayed.length, limitedTo: MAX_REPLAY };
  });
}
