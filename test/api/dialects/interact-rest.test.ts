/**
 * The Interact campaign API's REST form (seed 004) against a real gateway: every row of the seed's
 * REST table produced by the request that causes it (200, 400, 401, 403, 404, the two telephony-
 * provider 500s, the internal 500), the order of the checks, senders (possible numbers, the
 * campaign's, the master account's), interaction tokens (unknown, expired, used, bound to a
 * caller) and the Deflected Call Report. Refusals store nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { fromMessageSid } from '../../../src/core/message-sid.js';
import type { Gateway } from '../../../src/gateway.js';
import type { Store } from '../../../src/store/open-store.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import { countStoredMessages, getMessage, waitForStatus } from '../support.js';
import {
  assertPlaced,
  assertText,
  assertUnauthorized,
  createCampaign,
  generateToken,
  type InteractTenant,
  provisionTenant,
  restSms,
  SEED_NUMBERS,
} from './interact-support.js';

const TELEPHONY =
  'Your Telephony provider is not defined, please contact Uniphore Support and read the following +link+';
const UK = '+447911123456';
const SUPPORT_URL = 'https://support.example.com/sms-gateway';

/** The connectors a first gateway had; `old` is gone after the restart (its campaigns' settings "expired"). */
const BEFORE = [
  { name: 'sim', type: 'sim' as const, receiptDelayMs: 5 },
  { name: 'premium', type: 'sim' as const, receiptDelayMs: 5 },
  { name: 'old', type: 'sim' as const, receiptDelayMs: 5 },
];
/** After the restart: routes for Israel and the UK only, so France has no upstream ("not configured"). */
const AFTER = {
  connectors: BEFORE.slice(0, 2),
  routes: [
    { prefix: '+972', connector: 'sim' },
    { prefix: '+44', connector: 'sim' },
  ],
  campaigns: { masterSender: 'SYSTEM' },
};

const today = () => new Date().toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function interaction(store: Store, token: string) {
  return store.db.selectFrom('interactions').selectAll().where('token', '=', token).executeTakeFirstOrThrow();
}

await describeEachDatabase(
  'Interact REST campaign SMS',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let tenant: InteractTenant;
    let staging: InteractTenant;
    const send = (campaignId: string, body: unknown, options: Parameters<typeof restSms>[3] = {}) =>
      gateway.http.inject(restSms(tenant, campaignId, body, options));
    const token = (body: Record<string, unknown>) => generateToken(gateway, tenant, body);
    const messageOf = (sid: string) => getMessage(gateway, fromMessageSid(sid)!, tenant.auth);

    before(async () => {
      store = await db.open();
      const first = await startTestGateway(store, { config: { connectors: BEFORE } });
      tenant = await provisionTenant(first);
      staging = await provisionTenant(first, 'staging');
      await createCampaign(first, tenant.auth, {
        id: 'campaign1',
        text: 'Hello {{var1}}, {{var2}} and {{var3}}',
        from: SEED_NUMBERS.sender,
      });
      await createCampaign(first, tenant.auth, { id: 'plain', text: 'Plain text' });
      await createCampaign(first, ADMIN_AUTH, {
        id: 'legacy',
        text: 'x',
        connector: 'old',
        accountId: tenant.accountId,
      });
      await createCampaign(first, ADMIN_AUTH, {
        id: 'vip',
        text: 'VIP',
        connector: 'premium',
        accountId: tenant.accountId,
      });
      await createCampaign(first, staging.auth, { id: 'campaign1', text: 'staging' });
      await first.stop(false);
      gateway = await startTestGateway(store, { config: AFTER });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('200: the seed’s sample request (caller in the path and the body) is placed; its SID is the message', async () => {
      const { jpToken } = await token({ campaignId: 'campaign1' });
      const response = await send(
        'campaign1',
        { callerId: SEED_NUMBERS.caller, jpToken, additionalParams: 'var1=value1&var2=value' },
        { callerInPath: SEED_NUMBERS.caller },
      );
      const sid = assertPlaced(response, 'campaign1');
      const message = await messageOf(sid);
      assert.equal(message.id, fromMessageSid(sid));
      assert.equal(message.to, SEED_NUMBERS.callerE164);
      assert.equal(message.from, SEED_NUMBERS.sender, 'a possible (not valid) sender is accepted');
      assert.equal(message.text, 'Hello value1, value and {{var3}}');
      assert.equal(message.connector, 'sim');
      assert.deepEqual((message as unknown as { refs: Record<string, string> }).refs, {
        campaignId: 'campaign1',
        callerId: SEED_NUMBERS.callerE164,
        jpToken,
      });
      await waitForStatus(gateway, message.id, 'delivered', tenant.auth);
      const row = await interaction(store, jpToken);
      assert.equal(row.sms_sent, 1);
      assert.equal(row.message_id, message.id);
      assert.equal(row.caller_id, SEED_NUMBERS.callerE164);
    });

    it('200: the first form, from in the body, values URL-decoded; the messages are found by their refs', async () => {
      const sid = assertPlaced(
        await send('campaign1', {
          from: SEED_NUMBERS.sender,
          callerId: SEED_NUMBERS.caller,
          additionalParams: 'var1=caf%C3%A9&var2=x+y%26z',
        }),
        'campaign1',
      );
      assert.equal((await messageOf(sid)).text, 'Hello café, x y&z and {{var3}}');
      const listed = await gateway.http.inject({
        method: 'GET',
        url: `/v1/messages?ref=${encodeURIComponent(`callerId:${SEED_NUMBERS.callerE164}`)}`,
        headers: tenant.auth,
      });
      assert.ok((listed.json().data as { id: string }[]).some((m) => m.id === fromMessageSid(sid)));
    });

    it('senders: the request’s from, else the master sender when asked, else the campaign’s, else none', async () => {
      const sender = async (campaignId: string, body: Record<string, unknown>) =>
        (await messageOf(assertPlaced(await send(campaignId, { callerId: UK, ...body }), campaignId))).from;
      assert.equal(await sender('campaign1', {}), SEED_NUMBERS.sender);
      assert.equal(await sender('campaign1', { from: 'ACME' }), 'ACME');
      assert.equal(await sender('campaign1', { sendFromMasterAccount: true }), 'SYSTEM');
      assert.equal(await sender('campaign1', { sendFromMasterAccount: 'true' }), 'SYSTEM');
      assert.equal(await sender('campaign1', { sendFromMasterAccount: false }), SEED_NUMBERS.sender);
      assert.equal(
        await sender('campaign1', { sendFromMasterAccount: true, from: '+12121234567' }),
        '+12121234567',
      );
      assert.equal(await sender('plain', { from: '' }), null);
    });

    it('a campaign pinned to a connector sends through it, whatever the route table says', async () => {
      const message = await messageOf(assertPlaced(await send('vip', { callerId: UK }), 'vip'));
      assert.equal(message.connector, 'premium');
      assert.equal(message.route, '(pinned)');
      await waitForStatus(gateway, message.id, 'delivered', tenant.auth);
    });

    it('400: missing or invalid parameter <parameter>, for each parameter, and nothing is stored', async () => {
      const before = await countStoredMessages(store);
      const cases: [unknown, string][] = [
        [{}, 'callerId'],
        [{ callerId: '' }, 'callerId'],
        [{ callerId: 'not a number' }, 'callerId'],
        [{ callerId: '+97254469638' }, 'callerId'],
        [{ callerId: 972544696388 }, 'callerId'],
        [{ callerId: UK, from: '+4479111234' }, 'from'],
        [{ callerId: UK, from: 'TWELVE-CHARS' }, 'from'],
        [{ callerId: UK, jpToken: 42 }, 'jpToken'],
        [{ callerId: UK, additionalParams: 'var1=%FF' }, 'additionalParams'],
        [{ callerId: UK, additionalParams: 'var1=a&var1=b' }, 'additionalParams'],
        [{ callerId: UK, additionalParams: `var1=${'x'.repeat(1700)}` }, 'additionalParams'],
        [{ callerId: UK, sendFromMasterAccount: 'maybe' }, 'sendFromMasterAccount'],
        [{ callerId: UK, jpToken: 'Aejhib7' }, 'jpToken'],
        ['{"callerId": ', 'body'],
        ['[1, 2]', 'body'],
        ['"text"', 'body'],
      ];
      for (const [body, parameter] of cases) {
        assertText(await send('campaign1', body), 400, `missing or invalid parameter ${parameter}`);
      }
      assertText(
        await send('campaign1', { callerId: UK }, { callerInPath: SEED_NUMBERS.caller }),
        400,
        'missing or invalid parameter callerId',
      );
      assertText(
        await send('campaign1', {}, { callerInPath: 'nobody' }),
        400,
        'missing or invalid parameter callerId',
      );
      assertText(await send('a/b', { callerId: UK }), 400, 'missing or invalid parameter campaignId');
      assert.equal(await countStoredMessages(store), before);
    });

    it('401: the JSON body with code 0x7000000, and Unauthenticated-Reason saying which header', async () => {
      const before = await countStoredMessages(store);
      const body = { callerId: UK };
      const headers = (h: Record<string, string>) => ({ headers: h });
      const cases: [Record<string, string>, RegExp][] = [
        [{}, /^Tenant-Id header is missing$/],
        [{ 'application-key': tenant.appKey }, /^Tenant-Id header is missing$/],
        [{ 'tenant-id': tenant.tenantId }, /^Application-Key header is missing$/],
        [
          { ...tenant.headers, 'application-key': `${tenant.appKey}x` },
          /^Tenant-Id, Application-Key or Environment-Name is wrong$/,
        ],
        [{ ...tenant.headers, 'tenant-id': 'ten_unknown' }, /is wrong$/],
        [{ ...tenant.headers, 'environment-name': 'staging' }, /is wrong$/],
        [{ 'tenant-id': staging.tenantId, 'application-key': staging.appKey }, /is wrong$/],
      ];
      for (const [h, reason] of cases) assertUnauthorized(await send('campaign1', body, headers(h)), reason);
      assertUnauthorized(await send('campaign1', body, { account: 'someone-else' }), /account in the path/);
      assert.equal(await countStoredMessages(store), before);
      // The right environment's key works, and finds that account's own campaign.
      const placed = await gateway.http.inject(restSms(staging, 'campaign1', body));
      const sid = assertPlaced(placed, 'campaign1');
      assert.equal((await getMessage(gateway, fromMessageSid(sid)!, staging.auth)).text, 'staging');
      // So does the account id in the path instead of the tenant id.
      assertPlaced(await send('plain', body, { account: tenant.accountId }), 'plain');
      // moreInfoUrl points at the gateway's own help page.
      const help = await gateway.http.inject({ method: 'GET', url: '/interact/help' });
      assert.equal(help.statusCode, 200);
      assert.match(help.body, /Tenant-Id[\s\S]*Application-Key[\s\S]*Environment-Name/);
    });

    it('401: a revoked credential fails at once', async () => {
      const other = await provisionTenant(gateway);
      await createCampaign(gateway, other.auth, { id: 'c', text: 'x' });
      assertPlaced(await gateway.http.inject(restSms(other, 'c', { callerId: UK })), 'c');
      const list = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${other.accountId}/credentials`,
        headers: other.auth,
      });
      const id = (list.json().data as { id: string }[])[0]!.id;
      const revoked = await gateway.http.inject({
        method: 'DELETE',
        url: `/v1/accounts/${other.accountId}/credentials/${id}`,
        headers: other.auth,
      });
      assert.equal(revoked.statusCode, 204);
      assertUnauthorized(await gateway.http.inject(restSms(other, 'c', { callerId: UK })), /is wrong$/);
    });

    it('403: Token expired', async () => {
      const { jpToken } = await token({ campaignId: 'campaign1', expiresInSeconds: 1 });
      await sleep(1100);
      const before = await countStoredMessages(store);
      assertText(await send('campaign1', { callerId: UK, jpToken }), 403, 'Token expired');
      assert.equal(await countStoredMessages(store), before);
      assert.equal((await interaction(store, jpToken)).sms_sent, 0);
    });

    it('404: Campaign <campaign id> was not found', async () => {
      assertText(await send('no-such', { callerId: UK }), 404, 'Campaign no-such was not found');
      assertText(await send('camp 1', { callerId: UK }), 404, 'Campaign camp 1 was not found');
    });

    it('500: telephony provider settings expired (the campaign’s connector is no longer configured)', async () => {
      const before = await countStoredMessages(store);
      assertText(await send('legacy', { callerId: UK }), 500, TELEPHONY);
      assert.equal(await countStoredMessages(store), before);
    });

    it('500: telephony provider settings not configured (no route for the caller)', async () => {
      const before = await countStoredMessages(store);
      assertText(await send('campaign1', { callerId: '+33612345678' }), 500, TELEPHONY);
      assert.equal(await countStoredMessages(store), before);
    });

    it('the checks run in order: credentials, parameters, campaign, token, upstream', async () => {
      const { jpToken: expired } = await token({ campaignId: 'campaign1', expiresInSeconds: 1 });
      await sleep(1100);
      // Bad credentials and an unreadable body: 401 (the body is not even read).
      assertUnauthorized(await send('no-such', '{not json', { headers: {} }));
      // A bad parameter and an unknown campaign: 400.
      assertText(await send('no-such', { callerId: 'x' }), 400, 'missing or invalid parameter callerId');
      // An unknown campaign and an expired token: 404.
      assertText(
        await send('no-such', { callerId: UK, jpToken: expired }),
        404,
        'Campaign no-such was not found',
      );
      // An expired token and no upstream: 403.
      assertText(
        await send('campaign1', { callerId: '+33612345678', jpToken: expired }),
        403,
        'Token expired',
      );
      // An unknown token and no upstream: 400.
      assertText(
        await send('legacy', { callerId: UK, jpToken: 'unknown' }),
        400,
        'missing or invalid parameter jpToken',
      );
    });

    it('tokens: unknown is 400; another campaign’s or caller’s is 400; a used one sends again to the same caller', async () => {
      assertText(
        await send('campaign1', { callerId: UK, jpToken: 'nope' }),
        400,
        'missing or invalid parameter jpToken',
      );
      // Another account's token is unknown here.
      const foreign = await generateToken(gateway, staging, { campaignId: 'campaign1' });
      assertText(
        await send('campaign1', { callerId: UK, jpToken: foreign.jpToken }),
        400,
        'missing or invalid parameter jpToken',
      );
      const issued = await token({ campaignId: 'plain' });
      assert.match(issued.jpToken, /^[A-Za-z0-9]{20}$/);
      assert.equal(issued.callerId, null);
      assert.ok(Date.parse(issued.expiresAt) > Date.now() + 3500_000, 'default life: an hour');
      assertText(
        await send('campaign1', { callerId: UK, jpToken: issued.jpToken }),
        400,
        'missing or invalid parameter jpToken',
      );
      // The first SMS binds it to its caller; the same caller may use it again, another may not.
      const first = assertPlaced(await send('plain', { callerId: UK, jpToken: issued.jpToken }), 'plain');
      const second = assertPlaced(await send('plain', { callerId: UK, jpToken: issued.jpToken }), 'plain');
      assert.notEqual(first, second);
      assertText(
        await send('plain', { callerId: SEED_NUMBERS.caller, jpToken: issued.jpToken }),
        400,
        'missing or invalid parameter jpToken',
      );
      const row = await interaction(store, issued.jpToken);
      assert.equal(row.sms_sent, 1);
      assert.equal(row.message_id, fromMessageSid(second));
      // A token issued for a caller is that caller's from the start.
      const bound = await token({ campaignId: 'plain', callerId: SEED_NUMBERS.caller });
      assert.equal(bound.callerId, SEED_NUMBERS.callerE164);
      assertText(
        await send('plain', { callerId: UK, jpToken: bound.jpToken }),
        400,
        'missing or invalid parameter jpToken',
      );
      assertPlaced(
        await send('plain', { callerId: SEED_NUMBERS.callerE164, jpToken: bound.jpToken }),
        'plain',
      );
    });

    it('generateToken: its own 400s, 404 for an unknown campaign, 401 without credentials', async () => {
      const post = (body: unknown, headers = tenant.headers) =>
        gateway.http.inject({
          method: 'POST',
          url: `/interact/version/3/account/${tenant.tenantId}/resources/generateToken`,
          headers: { ...headers, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
      assertText(await post({}), 400, 'missing or invalid parameter campaignId');
      assertText(
        await post({ campaignId: 'plain', callerId: 'x' }),
        400,
        'missing or invalid parameter callerId',
      );
      for (const expiresInSeconds of [0, 1.5, 'soon', 7 * 24 * 3600 + 1]) {
        assertText(
          await post({ campaignId: 'plain', expiresInSeconds }),
          400,
          'missing or invalid parameter expiresInSeconds',
        );
      }
      assertText(await post({ campaignId: 'nope' }), 404, 'Campaign nope was not found');
      assertUnauthorized(await post({ campaignId: 'plain' }, {}));
    });

    it('the Deflected Call Report counts calls and calls deflected to SMS, per campaign and day', async () => {
      const reporter = await provisionTenant(gateway);
      await createCampaign(gateway, reporter.auth, { id: 'A', text: 'a' });
      await createCampaign(gateway, reporter.auth, { id: 'B', text: 'b' });
      const issue = (campaignId: string) => generateToken(gateway, reporter, { campaignId });
      const sms = (campaignId: string, jpToken?: string) =>
        gateway.http.inject(restSms(reporter, campaignId, { callerId: UK, ...(jpToken ? { jpToken } : {}) }));
      const [a1, a2] = [await issue('A'), await issue('A'), await issue('A')];
      await issue('B');
      assertPlaced(await sms('A', a1!.jpToken), 'A');
      assertPlaced(await sms('A', a2!.jpToken), 'A');
      assertPlaced(await sms('A', a2!.jpToken), 'A'); // twice from one call: still one deflected call
      assertPlaced(await sms('B'), 'B'); // no token: no interaction to count
      const report = async (query: string) => {
        const response = await gateway.http.inject({
          method: 'GET',
          url: `/interact/version/3/account/${reporter.tenantId}/resources/reports/deflectedCalls${query}`,
          headers: reporter.headers,
        });
        return response;
      };
      const all = await report('');
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(all.json(), {
        from: new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10),
        to: today(),
        campaignId: null,
        data: [
          { campaignId: 'A', date: today(), calls: 3, deflectedCalls: 2 },
          { campaignId: 'B', date: today(), calls: 1, deflectedCalls: 0 },
        ],
        totals: { calls: 4, deflectedCalls: 2 },
      });
      const onlyB = await report(`?campaignId=B&from=${today()}&to=${today()}`);
      assert.deepEqual(onlyB.json().data, [{ campaignId: 'B', date: today(), calls: 1, deflectedCalls: 0 }]);
      assert.deepEqual((await report('?from=2000-01-01&to=2000-01-31')).json().totals, {
        calls: 0,
        deflectedCalls: 0,
      });
      assertText(await report('?from=2024-02-30'), 400, 'missing or invalid parameter from');
      assertText(await report('?from=2024-03-01&to=2024-02-01'), 400, 'missing or invalid parameter from');
      assertText(await report('?from=2020-01-01&to=2024-01-01'), 400, 'missing or invalid parameter from');
      // The native report of one campaign says the same, to the account's API key.
      const native = await gateway.http.inject({
        method: 'GET',
        url: '/v1/campaigns/A/report',
        headers: reporter.auth,
      });
      assert.deepEqual(native.json().data, [{ campaignId: 'A', date: today(), calls: 3, deflectedCalls: 2 }]);
      // Another tenant's report does not include these.
      const others = await gateway.http.inject({
        method: 'GET',
        url: `/interact/version/3/account/${tenant.tenantId}/resources/reports/deflectedCalls`,
        headers: tenant.headers,
      });
      assert.ok(!(others.json().data as { campaignId: string }[]).some((d) => d.campaignId === 'A'));
    });

    it('other content types and unknown paths answer in the same words', async () => {
      const xml = await gateway.http.inject({
        method: 'POST',
        url: restSms(tenant, 'campaign1', {}).url as string,
        headers: { ...tenant.headers, 'content-type': 'text/xml' },
        payload: '<callerId>+447911123456</callerId>',
      });
      assert.equal(xml.statusCode, 415, xml.body);
      assert.match(String(xml.headers['content-type']), /^text\/plain/);
      const form = await gateway.http.inject({
        method: 'POST',
        url: restSms(tenant, 'campaign1', {}).url as string,
        headers: { ...tenant.headers, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'callerId=%2B447911123456',
      });
      assert.equal(form.statusCode, 415, form.body);
      const unknown = await gateway.http.inject({
        method: 'POST',
        url: '/interact/version/1/nothing',
        headers: tenant.headers,
      });
      assertText(unknown, 404, 'No route POST /interact/version/1/nothing');
    });
  },
  describe,
);

await describeEachDatabase(
  'Interact REST campaign SMS: a gateway with its own support page and no master sender; an internal error',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let tenant: InteractTenant;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { interact: { moreInfoUrl: SUPPORT_URL } } });
      tenant = await provisionTenant(gateway);
      await createCampaign(gateway, tenant.auth, { id: 'c', text: 'x' });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('401: moreInfoUrl is the configured support page', async () => {
      assertUnauthorized(
        await gateway.http.inject(restSms(tenant, 'c', { callerId: UK }, { headers: {} })),
        /Tenant-Id/,
        SUPPORT_URL,
      );
    });

    it('500: sendFromMasterAccount with no master sender configured is the telephony-provider answer', async () => {
      const before = await countStoredMessages(store);
      assertText(
        await gateway.http.inject(restSms(tenant, 'c', { callerId: UK, sendFromMasterAccount: true })),
        500,
        TELEPHONY,
      );
      assert.equal(await countStoredMessages(store), before);
    });

    it('500: an internal error is "exception", and nothing more', async () => {
      // A real failure inside the gateway: the campaigns table is gone.
      await sql`drop table campaigns`.execute(store.db);
      const response = await gateway.http.inject(restSms(tenant, 'c', { callerId: UK }));
      assertText(response, 500, 'exception');
    });
  },
  describe,
);
