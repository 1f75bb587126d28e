/**
 * `/v1/campaigns` (seed 004): create, read, change and delete campaigns; field checks; only an admin
 * pins a connector; a caller sees and manages only the campaigns docs/permissions.md lets it (its
 * own, a partner its tenants' clients', an admin all), and other accounts' are 404 — through the
 * native API and through the Interact API's credentials alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';
import {
  assertText,
  assertUnauthorized,
  type InteractTenant,
  provisionTenant,
  restSms,
} from './dialects/interact-support.js';
import { assertError, bearer, type Headers } from './support.js';

await describeEachDatabase(
  '/v1/campaigns',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let a: InteractTenant;
    let b: InteractTenant;
    let partner: Headers;
    let sibling: { id: string; auth: Headers };

    const call = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      headers: Headers,
      body?: unknown,
    ) =>
      gateway.http.inject({
        method,
        url,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });

    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: {
          connectors: [
            { name: 'sim', type: 'sim', receiptDelayMs: 5 },
            { name: 'premium', type: 'sim', receiptDelayMs: 5 },
          ],
        },
      });
      a = await provisionTenant(gateway);
      b = await provisionTenant(gateway);
      // A partner managing tenant A, and a second client in tenant A.
      const p = await call('POST', '/v1/accounts', ADMIN_AUTH, { name: 'reseller', role: 'partner' });
      assert.equal(p.statusCode, 201, p.body);
      partner = bearer(p.json().apiKey.key);
      const tenant = await call('POST', '/v1/tenants', ADMIN_AUTH, {
        name: 'managed',
        partnerAccountId: p.json().id,
      });
      const managed = await call('POST', '/v1/accounts', partner, {
        name: 'managed client',
        tenantId: tenant.json().id,
      });
      assert.equal(managed.statusCode, 201, managed.body);
      const s = await call('POST', '/v1/accounts', ADMIN_AUTH, {
        name: 'sibling',
        role: 'client',
        tenantId: a.tenantId,
      });
      sibling = { id: s.json().id, auth: bearer(s.json().apiKey.key) };
      const c = await call('POST', '/v1/campaigns', partner, {
        id: 'promo',
        text: 'managed',
        accountId: managed.json().id,
      });
      assert.equal(c.statusCode, 201, c.body);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('creates a campaign and shows it back: placeholders listed, a possible sender normalised', async () => {
      const created = await call('POST', '/v1/campaigns', a.auth, {
        id: 'camp 1',
        name: 'Spring',
        text: 'Hello {{var1}}, see {{ url }}',
        from: '+1 212 123 4567',
      });
      assert.equal(created.statusCode, 201, created.body);
      const view = created.json();
      assert.deepEqual(
        { ...view, createdAt: typeof view.createdAt, updatedAt: typeof view.updatedAt },
        {
          id: 'camp 1',
          accountId: a.accountId,
          name: 'Spring',
          text: 'Hello {{var1}}, see {{ url }}',
          placeholders: ['var1', 'url'],
          from: '+12121234567',
          connector: null,
          createdAt: 'string',
          updatedAt: 'string',
        },
      );
      const read = await call('GET', `/v1/campaigns/${encodeURIComponent('camp 1')}`, a.auth);
      assert.equal(read.statusCode, 200, read.body);
      assert.deepEqual(read.json(), view);
      assertError(await call('POST', '/v1/campaigns', a.auth, { id: 'camp 1', text: 'again' }), 409, {
        code: 'campaign_exists',
      });
    });

    it('refuses bad fields, naming them', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ id: ' lead', text: 'x' }, 'id'],
        [{ id: 'a/b', text: 'x' }, 'id'],
        [{ id: 'ok', text: '' }, 'text'],
        [{ id: 'ok', text: 'x'.repeat(1601) }, 'text'],
        [{ id: 'ok', text: 'x', from: '+4479111234' }, 'from'],
        [{ id: 'ok', text: 'x', from: 'FAR-TOO-LONG-ID' }, 'from'],
        [{ id: 'ok' }, 'text'],
        [{ id: 'ok', text: 'x', colour: 'red' }, 'colour'],
      ];
      for (const [body, field] of cases) {
        assertError(await call('POST', '/v1/campaigns', a.auth, body), 400, { field });
      }
      assert.equal((await call('GET', '/v1/campaigns/ok', a.auth)).statusCode, 404);
    });

    it('changes and deletes a campaign; a deleted one is 404', async () => {
      await call('POST', '/v1/campaigns', a.auth, { id: 'temp', text: 'one', from: 'ACME' });
      const patched = await call('PATCH', '/v1/campaigns/temp', a.auth, {
        text: 'two {{x}}',
        from: null,
        name: 'T',
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().text, 'two {{x}}');
      assert.equal(patched.json().from, null);
      assert.equal(patched.json().name, 'T');
      assertError(await call('PATCH', '/v1/campaigns/temp', a.auth, { text: '' }), 400, { field: 'text' });
      assert.equal((await call('DELETE', '/v1/campaigns/temp', a.auth)).statusCode, 204);
      assertError(await call('GET', '/v1/campaigns/temp', a.auth), 404, {
        message: /^Campaign temp was not found$/,
      });
      assertError(await call('PATCH', '/v1/campaigns/temp', a.auth, { text: 'x' }), 404);
      assertError(await call('DELETE', '/v1/campaigns/temp', a.auth), 404);
    });

    it('only an admin pins a connector, and only to one the gateway has', async () => {
      assertError(
        await call('POST', '/v1/campaigns', a.auth, { id: 'vip', text: 'x', connector: 'premium' }),
        403,
      );
      const pinned = await call('POST', '/v1/campaigns', ADMIN_AUTH, {
        id: 'vip',
        text: 'x',
        connector: 'premium',
        accountId: a.accountId,
      });
      assert.equal(pinned.statusCode, 201, pinned.body);
      assert.equal(pinned.json().accountId, a.accountId);
      assertError(await call('PATCH', '/v1/campaigns/vip', a.auth, { connector: null }), 403);
      assert.equal(
        (await call('PATCH', '/v1/campaigns/vip', a.auth, { text: 'y' })).json().connector,
        'premium',
      );
      assertError(
        await call('POST', '/v1/campaigns', ADMIN_AUTH, {
          id: 'x',
          text: 'x',
          connector: 'nope',
          accountId: a.accountId,
        }),
        400,
        { field: 'connector', code: 'unknown_connector' },
      );
    });

    it('a client sees and manages only its own campaigns; the same id in two accounts are two campaigns', async () => {
      await call('POST', '/v1/campaigns', b.auth, { id: 'camp 1', text: 'B text' });
      const listA = (await call('GET', '/v1/campaigns', a.auth)).json().data as {
        id: string;
        accountId: string;
      }[];
      assert.ok(listA.length > 0);
      assert.ok(listA.every((c) => c.accountId === a.accountId));
      assert.deepEqual(
        ((await call('GET', '/v1/campaigns', b.auth)).json().data as { id: string }[]).map((c) => c.id),
        ['camp 1'],
      );
      assert.equal((await call('GET', '/v1/campaigns/camp%201', b.auth)).json().text, 'B text');
      // B's campaign, named through its account: exactly as if it did not exist.
      const other = `?accountId=${b.accountId}`;
      assertError(await call('GET', `/v1/campaigns${other}`, a.auth), 404);
      assertError(await call('GET', `/v1/campaigns/camp%201${other}`, a.auth), 404);
      assertError(await call('PATCH', `/v1/campaigns/camp%201${other}`, a.auth, { text: 'hijacked' }), 404);
      assertError(await call('DELETE', `/v1/campaigns/camp%201${other}`, a.auth), 404);
      assertError(
        await call('POST', '/v1/campaigns', a.auth, { id: 'planted', text: 'x', accountId: b.accountId }),
        404,
      );
      assertError(await call('GET', `/v1/campaigns/camp%201?accountId=${a.accountId}`, sibling.auth), 404);
      assert.equal((await call('GET', '/v1/campaigns/camp%201', b.auth)).json().text, 'B text');
    });

    it('a partner sees its tenants’ clients’ campaigns only; an admin sees every one', async () => {
      const partnerList = (await call('GET', '/v1/campaigns', partner)).json().data as { id: string }[];
      assert.deepEqual(
        partnerList.map((c) => c.id),
        ['promo'],
      );
      assertError(await call('GET', `/v1/campaigns?accountId=${a.accountId}`, partner), 404);
      const all = (await call('GET', '/v1/campaigns', ADMIN_AUTH)).json().data as { accountId: string }[];
      for (const account of [a.accountId, b.accountId]) assert.ok(all.some((c) => c.accountId === account));
      assert.equal(
        (await call('GET', `/v1/campaigns/camp%201?accountId=${b.accountId}`, ADMIN_AUTH)).statusCode,
        200,
      );
    });

    it('the Interact API finds only the credential holder’s campaigns, under its own account path', async () => {
      await call('POST', '/v1/campaigns', b.auth, { id: 'b-only', text: 'B only' });
      assertText(
        await gateway.http.inject(restSms(a, 'b-only', { callerId: '+447911123456' })),
        404,
        'Campaign b-only was not found',
      );
      // A's credentials under B's account path: refused before anything else is looked at.
      assertUnauthorized(
        await gateway.http.inject(
          restSms(a, 'b-only', { callerId: '+447911123456' }, { account: b.tenantId }),
        ),
        /account in the path/,
      );
      assertUnauthorized(
        await gateway.http.inject(
          restSms(a, 'b-only', { callerId: '+447911123456' }, { account: b.accountId }),
        ),
        /account in the path/,
      );
    });

    it('changes are audited and visible to whoever sees the account', async () => {
      const entries = (await call('GET', '/v1/audit', partner)).json().data as {
        action: string;
        targetId: string;
      }[];
      assert.ok(entries.some((e) => e.action === 'campaign.create' && e.targetId === 'promo'));
      const adminEntries = (await call('GET', '/v1/audit', ADMIN_AUTH)).json().data as { action: string }[];
      for (const action of ['campaign.create', 'campaign.update', 'campaign.delete']) {
        assert.ok(
          adminEntries.some((e) => e.action === action),
          action,
        );
      }
      assert.ok(!entries.some((e) => e.targetId === 'b-only'));
    });
  },
  describe,
);
