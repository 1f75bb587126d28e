// Creating seed 003 credentials: account numbers that are other APIs' paths (or no path segment at
// all) are refused for everyone, the reserved list covers every root path the gateway registers,
// and the default region is validated, stored and shown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../../../src/api/dialects.js';
import { isReservedRootSegment, RESERVED_ROOT_SEGMENTS } from '../../../src/api/reserved-paths.js';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import { assertOk, freshAccountNumber, sendForm } from './accolades-support.js';

await describeEachDatabase(
  'accolades account numbers and regions',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let accountId: string;
    let clientAuth: Record<string, string>;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      const created = await gateway.http.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: ADMIN_AUTH,
        payload: { name: 'accolades numbers', role: 'client' },
      });
      assert.equal(created.statusCode, 201, created.body);
      accountId = created.json().id;
      clientAuth = { authorization: `Bearer ${created.json().apiKey.key}` };
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const create = (payload: Record<string, unknown>, headers: Record<string, string> = ADMIN_AUTH) =>
      gateway.http.inject({ method: 'POST', url: `/v1/accounts/${accountId}/credentials`, headers, payload });
    const credentialCount = async () =>
      Number(
        (
          await store.db
            .selectFrom('credentials')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('refuses every reserved root segment as an account number, in any case, even to an admin', async () => {
      const before = await credentialCount();
      for (const segment of RESERVED_ROOT_SEGMENTS) {
        for (const identifier of [segment, segment.toUpperCase()]) {
          const response = await create({
            kind: 'account_password',
            identifier,
            secret: 'long enough secret',
          });
          assert.equal(response.statusCode, 400, `${identifier}: ${response.body}`);
          const { error } = response.json();
          assert.equal(error.code, 'identifier_reserved', identifier);
          assert.equal(error.field, 'identifier');
          assert.equal(
            error.message,
            `identifier "${identifier}" cannot be an account number: /${identifier}/ is a path of another API`,
          );
        }
      }
      // A client asking for one gets the same 400, not the 403 of an identifier it does not own.
      const asClient = await create({ kind: 'account_password', identifier: 'interact' }, clientAuth);
      assert.equal(asClient.statusCode, 400, asClient.body);
      assert.equal(asClient.json().error.code, 'identifier_reserved');
      assert.equal(await credentialCount(), before, 'nothing created');
    });

    it('refuses account numbers that are not one plain path segment', async () => {
      for (const identifier of ['12/34', '12 34', '..', '.env', '-1', '12%2F34', 'număr']) {
        const response = await create({ kind: 'account_password', identifier });
        assert.equal(response.statusCode, 400, `${identifier}: ${response.body}`);
        assert.equal(response.json().error.code, 'invalid_identifier', identifier);
      }
    });

    it('other kinds are not URL path segments: an SMPP system_id "api" is fine', async () => {
      const response = await create({ kind: 'smpp', identifier: 'api' });
      assert.equal(response.statusCode, 201, response.body);
    });

    it('every root path the gateway registers is reserved (the list stays complete)', async () => {
      await gateway.http.ready();
      const tree = gateway.http.printRoutes({ commonPrefix: false });
      const roots = [...tree.matchAll(/^[├└]── \/([^/\s(]+)/gm)].map((m) => m[1]!);
      assert.ok(roots.includes('v1') && roots.includes('health'), tree);
      for (const dialect of DIALECTS) {
        for (const prefix of dialect.prefixes) if (prefix !== '') roots.push(prefix.split('/')[1]!);
      }
      for (const root of roots) {
        if (root.startsWith(':')) continue;
        assert.ok(isReservedRootSegment(root), `/${root} is registered but not in RESERVED_ROOT_SEGMENTS`);
      }
    });

    it('a region is stored upper-cased, shown on create and list, and used for national numbers', async () => {
      const accountNumber = freshAccountNumber();
      const created = await create({
        kind: 'account_password',
        identifier: accountNumber,
        secret: 'romanian app secret',
        region: 'ro',
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().region, 'RO');
      const listed = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${accountId}/credentials`,
        headers: clientAuth,
      });
      const mine = (listed.json().data as { identifier: string; region?: string | null }[]).find(
        (c) => c.identifier === accountNumber,
      );
      assert.equal(mine?.region, 'RO');
      const id = assertOk(
        await gateway.http.inject(
          sendForm(accountNumber, {
            password: 'romanian app secret',
            phoneNumber: '0721 000 004',
            message: 'x',
          }),
        ),
      );
      const row = await store.db
        .selectFrom('messages')
        .select('to_number')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.to_number, '+40721000004');
      // Without a region, the answer says so (null), rather than leaving the field out.
      const plain = await create({ kind: 'account_password', secret: 'no region secret' });
      assert.equal(plain.statusCode, 201, plain.body);
      assert.equal(plain.json().region, null);
    });

    it('refuses an unknown region, and a region on kinds that do not use one', async () => {
      for (const region of ['XX', 'Romania', 'r']) {
        const response = await create({ kind: 'account_password', region });
        assert.equal(response.statusCode, 400, `${region}: ${response.body}`);
        assert.equal(response.json().error.field, 'region');
      }
      const smpp = await create({ kind: 'smpp', region: 'RO' });
      assert.equal(smpp.statusCode, 400, smpp.body);
      assert.equal(smpp.json().error.field, 'region');
    });
  },
  describe,
);
