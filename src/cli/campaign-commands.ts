import type { Command } from 'commander';
import { apiRequest } from './api-client.js';
import { type ConnectionFlags, printEach, run, withConnection } from './command-support.js';

interface CampaignView {
  id: string;
  accountId: string;
  name: string | null;
  text: string;
  from: string | null;
  connector: string | null;
}

interface ReportView {
  from: string;
  to: string;
  data: { campaignId: string; date: string; calls: number; deflectedCalls: number }[];
  totals: { calls: number; deflectedCalls: number };
}

type AccountFlag = ConnectionFlags & { account?: string };
type FieldFlags = AccountFlag & { text?: string; name?: string; from?: string; connector?: string };

function campaignLine(c: CampaignView): string {
  const parts = [c.id, c.accountId, `from=${c.from ?? '-'}`];
  if (c.connector !== null) parts.push(`connector=${c.connector}`);
  if (c.name !== null) parts.push(`name=${JSON.stringify(c.name)}`);
  return `${parts.join('  ')}  ${JSON.stringify(c.text)}`;
}

/** `?accountId=` for a campaign of another account than the key's own. */
const accountQuery = (flags: AccountFlag) =>
  flags.account === undefined ? '' : `?accountId=${encodeURIComponent(flags.account)}`;
const campaignPath = (id: string, flags: AccountFlag, tail = '') =>
  `/v1/campaigns/${encodeURIComponent(id)}${tail}${accountQuery(flags)}`;
/** `none` clears an optional field. */
const clearable = (value: string | undefined) => (value === 'none' ? null : value);

function withFields(command: Command): Command {
  return command
    .option('--name <name>', 'a name for people')
    .option('--from <sender>', 'default sender ("none" removes it on update)')
    .option('--connector <name>', 'send through this connector (admin; "none" removes it on update)');
}

/** `smsgate campaigns create|list|show|update|delete|report` (seed 004 campaign SMS), against a running gateway. */
export function registerCampaignCommands(program: Command): void {
  const campaigns = program
    .command('campaigns')
    .description(
      'campaign SMS templates (the Interact API); --account names another account than the key’s own',
    );

  withConnection(
    withFields(
      campaigns
        .command('create <id>')
        .description('create a campaign; {{name}} in the text is filled from additionalParams')
        .requiredOption('--text <text>', 'the SMS text')
        .option('--account <accountId>', 'the account it belongs to'),
    ),
  ).action((id: string, flags: FieldFlags) =>
    run(
      flags,
      (c) =>
        apiRequest<CampaignView>(c, 'POST', '/v1/campaigns', {
          id,
          text: flags.text,
          ...(flags.name === undefined ? {} : { name: flags.name }),
          ...(flags.from === undefined ? {} : { from: flags.from }),
          ...(flags.connector === undefined ? {} : { connector: flags.connector }),
          ...(flags.account === undefined ? {} : { accountId: flags.account }),
        }),
      (campaign) => console.log(campaignLine(campaign)),
    ),
  );

  withConnection(
    campaigns.command('list').description('campaigns you may see').option('--account <accountId>'),
  ).action((flags: AccountFlag) =>
    run(
      flags,
      (c) => apiRequest<{ data: CampaignView[] }>(c, 'GET', `/v1/campaigns${accountQuery(flags)}`),
      (list) => printEach(list.data, campaignLine),
    ),
  );

  withConnection(
    campaigns.command('show <id>').description('one campaign').option('--account <accountId>'),
  ).action((id: string, flags: AccountFlag) =>
    run(
      flags,
      (c) => apiRequest<CampaignView>(c, 'GET', campaignPath(id, flags)),
      (campaign) => console.log(campaignLine(campaign)),
    ),
  );

  withConnection(
    withFields(
      campaigns
        .command('update <id>')
        .description('change a campaign’s text, name, sender or connector')
        .option('--text <text>', 'the SMS text')
        .option('--account <accountId>'),
    ),
  ).action((id: string, flags: FieldFlags) =>
    run(
      flags,
      (c) =>
        apiRequest<CampaignView>(c, 'PATCH', campaignPath(id, flags), {
          ...(flags.text === undefined ? {} : { text: flags.text }),
          ...(flags.name === undefined ? {} : { name: clearable(flags.name) }),
          ...(flags.from === undefined ? {} : { from: clearable(flags.from) }),
          ...(flags.connector === undefined ? {} : { connector: clearable(flags.connector) }),
        }),
      (campaign) => console.log(campaignLine(campaign)),
    ),
  );

  withConnection(
    campaigns.command('delete <id>').description('delete a campaign').option('--account <accountId>'),
  ).action((id: string, flags: AccountFlag) =>
    run(
      flags,
      (c) => apiRequest<undefined>(c, 'DELETE', campaignPath(id, flags)),
      () => console.log(`deleted ${id}`),
    ),
  );

  withConnection(
    campaigns
      .command('report <id>')
      .description('the Deflected Call Report of a campaign: calls and calls deflected to SMS per day (UTC)')
      .option('--from <date>', 'first day, YYYY-MM-DD (default: 29 days before --to)')
      .option('--to <date>', 'last day, YYYY-MM-DD (default: today)')
      .option('--account <accountId>'),
  ).action((id: string, flags: AccountFlag & { from?: string; to?: string }) => {
    const query = new URLSearchParams();
    if (flags.account !== undefined) query.set('accountId', flags.account);
    if (flags.from !== undefined) query.set('from', flags.from);
    if (flags.to !== undefined) query.set('to', flags.to);
    const qs = query.toString();
    return run(
      flags,
      (c) =>
        apiRequest<ReportView>(
          c,
          'GET',
          `/v1/campaigns/${encodeURIComponent(id)}/report${qs ? `?${qs}` : ''}`,
        ),
      (report) => {
        console.log(`# ${id} ${report.from} … ${report.to}: date  calls  deflected`);
        printEach(report.data, (d) => `${d.date}  ${d.calls}  ${d.deflectedCalls}`);
        console.log(`total  ${report.totals.calls}  ${report.totals.deflectedCalls}`);
      },
    );
  });
}
