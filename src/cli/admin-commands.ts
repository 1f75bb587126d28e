import type { Command } from 'commander';
import { apiRequest } from './api-client.js';
import { type ConnectionFlags as Flags, printEach, run, withConnection } from './command-support.js';

interface AccountView {
  id: string;
  name: string;
  role: string;
  tenantId: string | null;
  disabled: boolean;
  apiKey?: { id: string; prefix: string; key: string };
}
interface TenantView {
  id: string;
  name: string;
  partnerAccountId: string | null;
}
interface KeyView {
  id: string;
  prefix: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  key?: string;
}

const accountLine = (a: AccountView) =>
  `${a.id}  ${a.role.padEnd(7)}  ${a.tenantId ?? '-'}  ${a.disabled ? 'disabled' : 'active'}  ${a.name}`;

/** `smsgate accounts …`, `smsgate tenants …` and `smsgate keys …`, against a running gateway. */
export function registerAdminCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage accounts (admin or partner key)');
  withConnection(accounts.command('list').description('accounts you may see')).action((flags: Flags) =>
    run(
      flags,
      (c) => apiRequest<{ data: AccountView[] }>(c, 'GET', '/v1/accounts'),
      (r) => printEach(r.data, accountLine),
    ),
  );
  withConnection(
    accounts
      .command('create')
      .description('create an account; prints its first API key once')
      .requiredOption('--name <name>', 'display name')
      .option('--role <role>', 'client, partner or admin', 'client')
      .option('--tenant <id>', 'tenant the account belongs to'),
  ).action((flags: Flags & { name: string; role: string; tenant?: string }) =>
    run(
      flags,
      (c) =>
        apiRequest<AccountView>(c, 'POST', '/v1/accounts', {
          name: flags.name,
          role: flags.role,
          tenantId: flags.tenant ?? null,
        }),
      (a) => {
        console.log(accountLine(a));
        if (a.apiKey) console.log(`API key (shown only now): ${a.apiKey.key}`);
      },
    ),
  );
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    withConnection(accounts.command(`${verb} <id>`).description(`${verb} an account`)).action(
      (id: string, flags: Flags) =>
        run(
          flags,
          (c) => apiRequest<AccountView>(c, 'PATCH', `/v1/accounts/${encodeURIComponent(id)}`, { disabled }),
          (a) => console.log(accountLine(a)),
        ),
    );
  }

  withConnection(
    accounts
      .command('limits <id>')
      .description('set an account\'s limits ("none" removes one)')
      .option('--rate <perSecond>', 'messages per second')
      .option('--burst <messages>', 'messages at once')
      .option('--quota <segments>', 'segments per calendar month')
      .option('--senders <ids>', 'comma-separated sender ids the account may use')
      .option('--prepaid <yes|no>', 'pay from a prepaid balance'),
  ).action(
    (
      id: string,
      flags: Flags & { rate?: string; burst?: string; quota?: string; senders?: string; prepaid?: string },
    ) => {
      const num = (v: string | undefined) => (v === undefined ? undefined : v === 'none' ? null : Number(v));
      const limits = {
        ...(flags.rate !== undefined ? { ratePerSecond: num(flags.rate) } : {}),
        ...(flags.burst !== undefined ? { burst: num(flags.burst) } : {}),
        ...(flags.quota !== undefined ? { monthlySegmentQuota: num(flags.quota) } : {}),
        ...(flags.senders !== undefined
          ? { allowedSenders: flags.senders === 'none' ? null : flags.senders.split(',') }
          : {}),
        ...(flags.prepaid !== undefined ? { prepaid: flags.prepaid === 'yes' } : {}),
      };
      return run(
        flags,
        (c) =>
          apiRequest<AccountView & { limits: unknown; ceilings: unknown; balance: number | null }>(
            c,
            'PATCH',
            `/v1/accounts/${encodeURIComponent(id)}`,
            { limits },
          ),
        (a) =>
          console.log(
            `${accountLine(a)}\n  limits ${JSON.stringify(a.limits)}  balance ${a.balance ?? '-'}\n  set by an admin ${JSON.stringify(a.ceilings)}`,
          ),
      );
    },
  );
  withConnection(
    accounts.command('usage <id>').description("this month's segments, quota and balance"),
  ).action((id: string, flags: Flags) =>
    run(
      flags,
      (c) =>
        apiRequest<{
          period: string;
          segments: number;
          monthlySegmentQuota: number | null;
          balance: number | null;
        }>(c, 'GET', `/v1/accounts/${encodeURIComponent(id)}/usage`),
      (u) =>
        console.log(
          `${u.period}  ${u.segments} segments  quota ${u.monthlySegmentQuota ?? 'none'}  balance ${u.balance ?? '-'}`,
        ),
    ),
  );
  withConnection(
    accounts
      .command('top-up <id> <amount>')
      .description(
        "add to (or, negative, take from) a prepaid balance; a partner's key moves it from (back to) its own",
      ),
  ).action((id: string, amount: string, flags: Flags) =>
    run(
      flags,
      (c) =>
        apiRequest<{ balance: number; partnerAccountId?: string; partnerBalance?: number }>(
          c,
          'POST',
          `/v1/accounts/${encodeURIComponent(id)}/balance`,
          { amount: Number(amount) },
        ),
      (b) =>
        console.log(
          `balance ${b.balance}${b.partnerAccountId === undefined ? '' : `  (${b.partnerAccountId}: ${b.partnerBalance})`}`,
        ),
    ),
  );

  const credentials = program.command('credentials').description("manage an account's dialect credentials");
  withConnection(
    credentials
      .command('create <accountId>')
      .description('create a credential; prints its secret once')
      .requiredOption('--kind <kind>', 'account_password, application_key, smpp, kannel, jasmin or twilio')
      .option(
        '--identifier <id>',
        "account number, tenant id or SMPP system_id (default: generated, or the account's tenant for application keys; only admins pick other ones)",
      )
      .option('--environment <name>', 'environment (application keys)')
      .option('--secret <secret>', 'the secret (generated when omitted)')
      .option('--region <code>', 'account_password: the country national numbers are read in (e.g. RO)'),
  ).action(
    (
      accountId: string,
      flags: Flags & {
        kind: string;
        identifier?: string;
        environment?: string;
        secret?: string;
        region?: string;
      },
    ) =>
      run(
        flags,
        (c) =>
          apiRequest<{ id: string; identifier: string; region?: string | null; secret: string }>(
            c,
            'POST',
            `/v1/accounts/${encodeURIComponent(accountId)}/credentials`,
            {
              kind: flags.kind,
              ...(flags.identifier ? { identifier: flags.identifier } : {}),
              ...(flags.environment ? { environment: flags.environment } : {}),
              ...(flags.secret ? { secret: flags.secret } : {}),
              ...(flags.region ? { region: flags.region } : {}),
            },
          ),
        (cr) =>
          console.log(
            `${cr.id}  ${cr.identifier}${cr.region ? `  region ${cr.region}` : ''}  secret (shown only now): ${cr.secret}`,
          ),
      ),
  );
  withConnection(credentials.command('list <accountId>').description('credentials of an account')).action(
    (accountId: string, flags: Flags) =>
      run(
        flags,
        (c) =>
          apiRequest<{
            data: {
              id: string;
              kind: string;
              identifier: string;
              environment: string;
              region?: string | null;
              revokedAt: string | null;
            }[];
          }>(c, 'GET', `/v1/accounts/${encodeURIComponent(accountId)}/credentials`),
        (r) =>
          printEach(
            r.data,
            (cr) =>
              `${cr.id}  ${cr.kind}  ${cr.identifier}  ${cr.environment || '-'}  ${cr.revokedAt ? 'revoked' : 'live'}${cr.region ? `  region ${cr.region}` : ''}`,
          ),
      ),
  );
  withConnection(
    credentials.command('revoke <accountId> <credentialId>').description('revoke a credential at once'),
  ).action((accountId: string, credentialId: string, flags: Flags) =>
    run(
      flags,
      (c) =>
        apiRequest<undefined>(
          c,
          'DELETE',
          `/v1/accounts/${encodeURIComponent(accountId)}/credentials/${encodeURIComponent(credentialId)}`,
        ),
      () => console.log(`revoked ${credentialId}`),
    ),
  );

  const tenants = program.command('tenants').description('manage tenants (admin or partner key)');
  withConnection(tenants.command('list').description('tenants you manage')).action((flags: Flags) =>
    run(
      flags,
      (c) => apiRequest<{ data: TenantView[] }>(c, 'GET', '/v1/tenants'),
      (r) => printEach(r.data, (t) => `${t.id}  ${t.partnerAccountId ?? '-'}  ${t.name}`),
    ),
  );
  withConnection(
    tenants
      .command('create')
      .description('create a tenant')
      .requiredOption('--name <name>', 'display name')
      .option('--partner <accountId>', 'partner account that manages it (admin only)'),
  ).action((flags: Flags & { name: string; partner?: string }) =>
    run(
      flags,
      (c) =>
        apiRequest<TenantView>(c, 'POST', '/v1/tenants', {
          name: flags.name,
          ...(flags.partner ? { partnerAccountId: flags.partner } : {}),
        }),
      (t) => console.log(`${t.id}  ${t.partnerAccountId ?? '-'}  ${t.name}`),
    ),
  );

  const keys = program.command('keys').description("manage an account's API keys");
  withConnection(keys.command('list <accountId>').description('keys of an account')).action(
    (accountId: string, flags: Flags) =>
      run(
        flags,
        (c) =>
          apiRequest<{ data: KeyView[] }>(c, 'GET', `/v1/accounts/${encodeURIComponent(accountId)}/keys`),
        (r) =>
          printEach(r.data, (k) =>
            `${k.id}  sk_${k.prefix}_…  ${k.revokedAt ? 'revoked' : 'live'}  last used ${k.lastUsedAt ?? 'never'}  ${k.name ?? ''}`.trimEnd(),
          ),
      ),
  );
  withConnection(
    keys
      .command('create <accountId>')
      .description('create a key; prints it once')
      .option('--name <name>', 'what the key is for'),
  ).action((accountId: string, flags: Flags & { name?: string }) =>
    run(
      flags,
      (c) =>
        apiRequest<KeyView>(
          c,
          'POST',
          `/v1/accounts/${encodeURIComponent(accountId)}/keys`,
          flags.name ? { name: flags.name } : {},
        ),
      (k) => console.log(`${k.id}  ${k.key}`),
    ),
  );
  withConnection(keys.command('revoke <accountId> <keyId>').description('revoke a key at once')).action(
    (accountId: string, keyId: string, flags: Flags) =>
      run(
        flags,
        (c) =>
          apiRequest<undefined>(
            c,
            'DELETE',
            `/v1/accounts/${encodeURIComponent(accountId)}/keys/${encodeURIComponent(keyId)}`,
          ),
        () => console.log(`revoked ${keyId}`),
      ),
  );
}
