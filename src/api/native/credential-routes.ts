import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessPolicy } from '../../accounts/access-policy.js';
import { audit } from '../../accounts/audit.js';
import { CREDENTIAL_KINDS, DialectCredentials } from '../../accounts/dialect-credentials.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { Gateway } from '../../gateway.js';
import { listCredentials, revokeCredential } from '../../store/queries/credentials.js';
import { accountRegion, checkAccountNumber } from '../dialects/accolades/credential-rules.js';
import { checkTwilioCredential } from '../dialects/twilio/twilio-credential-rules.js';
import { parseRequest } from '../zod-errors.js';
import { principalOf, requireAuth } from './auth.js';

export const credentialBody = z
  .object({
    kind: z.enum(CREDENTIAL_KINDS),
    /** Generated for the login kinds, the account's tenant for application keys, when omitted. */
    identifier: z.string().trim().min(1).max(64).optional(),
    environment: z.string().trim().max(64).optional(),
    /** At least 8 characters, except Kannel's and Jasmin's passwords (see `SHORT_SECRET_KINDS`). */
    secret: z.string().min(1).max(128).optional(),
    /** account_password only: the region national numbers are read in (seed 003). */
    region: z.string().trim().min(1).max(8).optional(),
  })
  .strict();

/**
 * Kinds whose applications already have their passwords, in configurations (Kannel's
 * sendsms-user, Jasmin's users) where short ones are common: moving to smsgate must not mean
 * changing them, so they are taken as they are.
 */
const SHORT_SECRET_KINDS: ReadonlySet<string> = new Set(['kannel', 'jasmin']);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * `/v1/accounts/:id/credentials`: dialect credentials, managed by whoever manages the account's API
 * keys, with identifiers scoped by `AccessPolicy.credentialIdentifier`.
 */
export function registerCredentialRoutes(app: FastifyInstance, gateway: Gateway, policy: AccessPolicy): void {
  const auth = { preHandler: requireAuth(gateway) };
  const { store } = gateway;
  const credentials = new DialectCredentials(store);

  app.post<{ Params: { id: string } }>('/v1/accounts/:id/credentials', auth, async (request, reply) => {
    const principal = principalOf(request);
    const body = parseRequest(credentialBody, request.body);
    if (body.secret !== undefined && body.secret.length < 8 && !SHORT_SECRET_KINDS.has(body.kind)) {
      throw new ValidationError('secret: Too small: expected string to have >=8 characters', 'secret');
    }
    const account = await policy.manageableAccount(principal, request.params.id, 'keys');
    const environment = body.environment ?? '';
    if (body.kind === 'account_password' && body.identifier !== undefined)
      checkAccountNumber(body.identifier);
    if (body.kind === 'twilio') checkTwilioCredential(body.identifier, body.secret);
    if (body.region !== undefined && body.kind !== 'account_password') {
      throw new ValidationError('region is a setting of account_password credentials only', 'region');
    }
    const region = body.region === undefined ? undefined : accountRegion(body.region);
    const requested = await policy.credentialIdentifier(principal, account, body.kind, body.identifier);
    if (
      body.kind === 'smpp' &&
      ((requested?.length ?? 0) > 15 || (body.secret !== undefined && body.secret.length > 8))
    ) {
      throw new ValidationError(
        'SMPP system_id is at most 15 characters and its password at most 8',
        'identifier',
      );
    }
    const created = await credentials.create({
      accountId: account.id,
      kind: body.kind,
      environment,
      ...(requested === undefined ? {} : { identifier: requested }),
      ...(body.secret === undefined ? {} : { secret: body.secret }),
      ...(region === undefined ? {} : { region }),
    });
    if (created === 'exists') {
      const holder = await credentials.liveHolder(body.kind, requested ?? '', environment);
      throw await policy.credentialConflict(principal, body.kind, holder);
    }
    await audit(
      store,
      principal,
      'credential.create',
      { type: 'credential', id: created.id, tenantId: account.tenant_id, accountId: account.id },
      {
        accountId: account.id,
        kind: body.kind,
        identifier: created.identifier,
        environment,
        ...(region === undefined ? {} : { region }),
      },
    );
    // The secret is shown here once; only its scrypt hash is stored.
    return reply.status(201).send({
      id: created.id,
      kind: body.kind,
      identifier: created.identifier,
      environment,
      ...(body.kind === 'account_password' ? { region: region ?? null } : {}),
      secret: created.secret,
    });
  });

  app.get<{ Params: { id: string } }>('/v1/accounts/:id/credentials', auth, async (request) => {
    const account = await policy.manageableAccount(principalOf(request), request.params.id, 'keys');
    return {
      data: (await listCredentials(store, account.id)).map((c) => ({
        id: c.id,
        kind: c.kind,
        identifier: c.identifier,
        environment: c.environment,
        ...(c.kind === 'account_password' ? { region: c.default_region } : {}),
        createdAt: iso(c.created_at),
        revokedAt: iso(c.revoked_at),
      })),
    };
  });

  app.delete<{ Params: { id: string; credentialId: string } }>(
    '/v1/accounts/:id/credentials/:credentialId',
    auth,
    async (request, reply) => {
      const principal = principalOf(request);
      const account = await policy.manageableAccount(principal, request.params.id, 'keys');
      if (!(await revokeCredential(store, account.id, request.params.credentialId, Date.now()))) {
        throw new NotFoundError(`Credential ${request.params.credentialId}`);
      }
      gateway.auth.invalidate();
      await audit(
        store,
        principal,
        'credential.revoke',
        {
          type: 'credential',
          id: request.params.credentialId,
          tenantId: account.tenant_id,
          accountId: account.id,
        },
        { accountId: account.id },
      );
      return reply.status(204).send();
    },
  );
}
