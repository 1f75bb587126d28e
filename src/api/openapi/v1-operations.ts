import type { z } from 'zod';
import { accountBody, accountPatch, auditQuery, keyBody, tenantBody } from '../native/admin-routes.js';
import { balanceBody, pricesBody } from '../native/balance-routes.js';
import { batchBodySchema } from '../native/batch-body.js';
import {
  accountQuery as campaignAccountQuery,
  createBody as campaignCreateBody,
  patchBody as campaignPatchBody,
  reportQuery as campaignReportQuery,
} from '../native/campaign-routes.js';
import { credentialBody } from '../native/credential-routes.js';
import {
  accountQuery as inboundAccountQuery,
  inboundQuery,
  optOutBody,
  simulatedInboundBody,
} from '../native/inbound-routes.js';
import { listQuerySchema, previewBodySchema } from '../native/message-routes.js';
import { ownerBody } from '../native/number-routes.js';
import { tableBody } from '../native/route-routes.js';
import { sendBodySchema } from '../native/send-body.js';
import { eventsQuery, keywordsBody, replayBody, webhookSettingsBody } from '../native/webhook-routes.js';

/** One `/v1` operation as the OpenAPI document describes it. */
export interface V1Operation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Fastify's pattern (`/v1/messages/:id`). */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** The zod schema the route validates its JSON body with. */
  readonly body?: z.ZodType;
  /** The zod schema the route validates its query string with. */
  readonly query?: z.ZodType;
  /** The success status (200 unless said). */
  readonly status?: number;
  /** Request headers the operation reads. */
  readonly headers?: readonly { name: string; description: string }[];
}

const idempotencyHeader = {
  name: 'Idempotency-Key',
  description:
    'Makes the request safe to retry: the same key and body answer the first outcome (header Idempotent-Replayed: true)',
};

/**
 * Every `/v1` route, with the very schemas its handler validates with (imported, not restated).
 * A test compares this list with the routes Fastify registered, so a route added without an entry
 * here fails it.
 */
export const V1_OPERATIONS: readonly V1Operation[] = [
  {
    method: 'post',
    path: '/v1/messages',
    tag: 'messages',
    summary: 'Send a message (one text, one or more recipients)',
    body: sendBodySchema,
    status: 202,
    headers: [idempotencyHeader],
  },
  {
    method: 'post',
    path: '/v1/messages/batch',
    tag: 'messages',
    summary: 'Send up to 1000 messages, each accepted (or replayed by its idempotencyKey) on its own',
    body: batchBodySchema,
    status: 202,
  },
  {
    method: 'post',
    path: '/v1/messages/preview',
    tag: 'messages',
    summary: 'Encoding and segments of a text, nothing sent',
    body: previewBodySchema,
  },
  {
    method: 'get',
    path: '/v1/messages',
    tag: 'messages',
    summary: 'List messages, newest first',
    query: listQuerySchema,
  },
  {
    method: 'get',
    path: '/v1/messages/:id',
    tag: 'messages',
    summary: 'A message with its history, parts and refs',
  },
  {
    method: 'post',
    path: '/v1/messages/:id/cancel',
    tag: 'messages',
    summary: 'Cancel a message that has not left the gateway',
  },
  {
    method: 'get',
    path: '/v1/stats',
    tag: 'messages',
    summary: 'Message counts by status (and the queue, for admins)',
  },
  { method: 'get', path: '/v1/connectors', tag: 'connectors', summary: 'Connectors and their state' },
  {
    method: 'post',
    path: '/v1/connectors/:name/inbound',
    tag: 'connectors',
    summary: 'Make the simulator receive an inbound message',
    body: simulatedInboundBody,
    status: 202,
  },
  {
    method: 'get',
    path: '/v1/smpp/binds',
    tag: 'connectors',
    summary: "Client binds to the gateway's SMPP server",
  },
  {
    method: 'post',
    path: '/v1/tenants',
    tag: 'accounts',
    summary: 'Create a tenant',
    body: tenantBody,
    status: 201,
  },
  { method: 'get', path: '/v1/tenants', tag: 'accounts', summary: 'List tenants' },
  { method: 'get', path: '/v1/tenants/:id', tag: 'accounts', summary: 'A tenant' },
  {
    method: 'post',
    path: '/v1/accounts',
    tag: 'accounts',
    summary: 'Create an account (and its first API key)',
    body: accountBody,
    status: 201,
  },
  { method: 'get', path: '/v1/accounts', tag: 'accounts', summary: 'List accounts' },
  { method: 'get', path: '/v1/accounts/:id', tag: 'accounts', summary: 'An account' },
  {
    method: 'patch',
    path: '/v1/accounts/:id',
    tag: 'accounts',
    summary: "Rename, disable or change an account's limits",
    body: accountPatch,
  },
  {
    method: 'post',
    path: '/v1/accounts/:id/keys',
    tag: 'accounts',
    summary: 'Create an API key',
    body: keyBody,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/accounts/:id/keys',
    tag: 'accounts',
    summary: "An account's API keys (never the secrets)",
  },
  {
    method: 'delete',
    path: '/v1/accounts/:id/keys/:keyId',
    tag: 'accounts',
    summary: 'Revoke an API key',
    status: 204,
  },
  {
    method: 'post',
    path: '/v1/accounts/:id/credentials',
    tag: 'accounts',
    summary: 'Create a dialect credential',
    body: credentialBody,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/accounts/:id/credentials',
    tag: 'accounts',
    summary: "An account's dialect credentials",
  },
  {
    method: 'delete',
    path: '/v1/accounts/:id/credentials/:credentialId',
    tag: 'accounts',
    summary: 'Revoke a dialect credential',
    status: 204,
  },
  {
    method: 'get',
    path: '/v1/accounts/:id/usage',
    tag: 'billing',
    summary: "An account's usage and balance",
  },
  {
    method: 'post',
    path: '/v1/accounts/:id/balance',
    tag: 'billing',
    summary: 'Top up (or debit) a prepaid balance',
    body: balanceBody,
  },
  { method: 'get', path: '/v1/prices', tag: 'billing', summary: 'The price list' },
  { method: 'put', path: '/v1/prices', tag: 'billing', summary: 'Replace the price list', body: pricesBody },
  { method: 'get', path: '/v1/audit', tag: 'accounts', summary: 'The audit log', query: auditQuery },
  {
    method: 'get',
    path: '/v1/accounts/:id/webhooks',
    tag: 'webhooks',
    summary: "An account's webhook settings",
  },
  {
    method: 'put',
    path: '/v1/accounts/:id/webhooks',
    tag: 'webhooks',
    summary: "Set an account's webhook URLs",
    body: webhookSettingsBody,
  },
  {
    method: 'post',
    path: '/v1/accounts/:id/webhooks/rotate-secret',
    tag: 'webhooks',
    summary: 'Rotate the webhook signing secret',
  },
  {
    method: 'get',
    path: '/v1/accounts/:id/opt-out-keywords',
    tag: 'inbound',
    summary: "An account's opt-out keywords",
  },
  {
    method: 'put',
    path: '/v1/accounts/:id/opt-out-keywords',
    tag: 'inbound',
    summary: "Set an account's opt-out keywords",
    body: keywordsBody,
  },
  {
    method: 'get',
    path: '/v1/events',
    tag: 'webhooks',
    summary: 'Webhook events (the outbox)',
    query: eventsQuery,
  },
  {
    method: 'get',
    path: '/v1/events/delivery',
    tag: 'webhooks',
    summary: 'Webhook delivery state per destination',
  },
  { method: 'get', path: '/v1/events/:id', tag: 'webhooks', summary: 'A webhook event' },
  { method: 'post', path: '/v1/events/:id/replay', tag: 'webhooks', summary: 'Deliver an event again' },
  {
    method: 'post',
    path: '/v1/events/replay',
    tag: 'webhooks',
    summary: 'Deliver again the events of a time range',
    body: replayBody,
  },
  {
    method: 'get',
    path: '/v1/inbound',
    tag: 'inbound',
    summary: 'Inbound (mobile-originated) messages',
    query: inboundQuery,
  },
  { method: 'get', path: '/v1/inbound/:id', tag: 'inbound', summary: 'An inbound message' },
  {
    method: 'get',
    path: '/v1/opt-outs',
    tag: 'inbound',
    summary: 'Opted-out numbers',
    query: inboundAccountQuery,
  },
  {
    method: 'post',
    path: '/v1/opt-outs',
    tag: 'inbound',
    summary: 'Opt a number out',
    body: optOutBody,
    status: 201,
  },
  {
    method: 'delete',
    path: '/v1/opt-outs/:number',
    tag: 'inbound',
    summary: 'Opt a number back in',
    query: inboundAccountQuery,
    status: 204,
  },
  { method: 'get', path: '/v1/routes', tag: 'routing', summary: 'The route table in use' },
  { method: 'put', path: '/v1/routes', tag: 'routing', summary: 'Replace the route table', body: tableBody },
  {
    method: 'delete',
    path: '/v1/routes',
    tag: 'routing',
    summary: "Go back to the config file's route table",
  },
  { method: 'get', path: '/v1/numbers', tag: 'routing', summary: 'Sender numbers and their owners' },
  {
    method: 'put',
    path: '/v1/numbers/:number',
    tag: 'routing',
    summary: 'Assign a sender number to an account',
    body: ownerBody,
  },
  {
    method: 'delete',
    path: '/v1/numbers/:number',
    tag: 'routing',
    summary: 'Release a sender number',
    status: 204,
  },
  {
    method: 'post',
    path: '/v1/campaigns',
    tag: 'campaigns',
    summary: 'Create a campaign',
    body: campaignCreateBody,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/campaigns',
    tag: 'campaigns',
    summary: 'List campaigns',
    query: campaignAccountQuery,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id',
    tag: 'campaigns',
    summary: 'A campaign',
    query: campaignAccountQuery,
  },
  {
    method: 'patch',
    path: '/v1/campaigns/:id',
    tag: 'campaigns',
    summary: 'Change a campaign',
    body: campaignPatchBody,
    query: campaignAccountQuery,
  },
  {
    method: 'delete',
    path: '/v1/campaigns/:id',
    tag: 'campaigns',
    summary: 'Delete a campaign',
    query: campaignAccountQuery,
    status: 204,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/report',
    tag: 'campaigns',
    summary: "A campaign's deflected-call report",
    query: campaignReportQuery,
  },
];
