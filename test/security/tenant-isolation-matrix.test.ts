/**
 * Tenant isolation over every dialect and the SMPP server: two tenants, each with one client
 * account holding a credential of every kind (native key, Twilio SID, Kannel and Jasmin logins,
 * the Accolades account password, the Interact application key, an SMPP system_id). Tenant A's
 * credentials, in every dialect that can read, cancel or list, never reach tenant B's messages,
 * and no mix of A's and B's credentials authenticates. test/api/admin-tenant-isolation.test.ts
 * covers the native admin surface in depth (accounts, keys, audit). The ServiceStack services and
 * Kannel's sendsms only send; what they could leak is a send as another account, refused here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { toMessageSid } from '../../src/core/message-sid.js';
import type { Gateway } from '../../src/gateway.js';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { gatewayMessageId } from '../../src/smpp-server/smpp-message-id.js';
import { provisionTenant } from '../api/dialects/interact-support.js';
import { jasminGet } from '../api/dialects/jasmin-support.js';
import { sendsms } from '../api/dialects/kannel-support.js';
import { freshAccountSid, twilioAuth } from '../api/dialects/twilio-support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH } from '../helpers/gateway.js';
import { waitUntil } from '../smpp/smpp-test-kit.js';
import {
  call,
  connectForeign,
  type ForeignPdu,
  smppPortOf,
  startSmppGateway,
} from '../smpp-server/smpp-server-kit.js';

let counter = 0;

interface Tenant {
  accountId: string;
  auth: Record<string, string>;
  interact: Record<string, string>;
  tenantId: string;
  twilio: { sid: string; token: string };
  kannel: { user: string; password: string };
  jasmin: { user: string; password: string };
  accolades: { number: string; password: string };
  smpp: { systemId: string; password: string };
}

async function provision(gateway: Gateway): Promise<Tenant> {
  counter++;
  const base = await provisionTenant(gateway);
  const tag = `${process.pid % 10000}x${counter}`;
  const credential = async (kind: string, identifier: string, secret: string) => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: `/v1/accounts/${base.accountId}/credentials`,
      headers: ADMIN_AUTH,
      payload: { kind, identifier, secret },
    });
    assert.equal(response.statusCode, 201, `${kind}: ${response.body}`);
  };
  const tenant: Tenant = {
    accountId: base.accountId,
    auth: base.auth,
    interact: base.headers,
    tenantId: base.tenantId,
    twilio: { sid: freshAccountSid(), token: randomBytes(16).toString('hex') },
    kannel: { user: `kan${tag}`, password: `kannel-${tag}` },
    jasmin: { user: `jas${tag}`, password: `jasmin-${tag}` },
    accolades: {
      number: `7${String(Date.now()).slice(-6)}${String(counter).padStart(5, '0')}`,
      password: `acc ${tag} pw`,
    },
    smpp: { systemId: `smpp${tag}`.slice(0, 15), password: `pw${counter}xyz98`.slice(0, 8) },
  };
  await credential('twilio', tenant.twilio.sid, tenant.twilio.token);
  await credential('kannel', tenant.kannel.user, tenant.kannel.password);
  await credential('jasmin', tenant.jasmin.user, tenant.jasmin.password);
  await credential('account_password', tenant.accolades.number, tenant.accolades.password);
  await credential('smpp', tenant.smpp.systemId, tenant.smpp.password);
  return tenant;
}

await describeEachDatabase(
  'tenant isolation over every dialect and the SMPP server',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let a: Tenant;
    let b: Tenant;
    /** B's messages: one scheduled (cancelable), one sent now. */
    let bScheduled: string;
    let bSent: string;

    before(async () => {
      store = await db.open();
      gateway = await startSmppGateway(store);
      a = await provision(gateway);
      b = await provision(gateway);
      const send = async (payload: Record<string, unknown>) => {
        const response = await gateway.http.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: b.auth,
          payload,
        });
        assert.equal(response.statusCode, 202, response.body);
        return response.json().messages[0].id as string;
      };
      bScheduled = await send({
        to: '+447911123456',
        text: 'B later',
        scheduleAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      bSent = await send({ to: '+447911123457', text: 'B now' });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const statusOfB = async (id: string) =>
      (await store.db.selectFrom('messages').select('status').where('id', '=', id).executeTakeFirst())
        ?.status;

    it('native /v1: A reads, cancels and lists none of B’s messages', async () => {
      const own = await gateway.http.inject({ method: 'GET', url: `/v1/messages/${bSent}`, headers: b.auth });
      assert.equal(own.statusCode, 200, 'the control: B reads its own');
      for (const id of [bScheduled, bSent, toMessageSid(bSent)]) {
        const read = await gateway.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: a.auth });
        assert.equal(read.statusCode, 404, read.body);
      }
      const cancel = await gateway.http.inject({
        method: 'POST',
        url: `/v1/messages/${bScheduled}/cancel`,
        headers: a.auth,
      });
      assert.equal(cancel.statusCode, 404, cancel.body);
      const list = await gateway.http.inject({
        method: 'GET',
        url: '/v1/messages?limit=100',
        headers: a.auth,
      });
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes(bScheduled) && !list.body.includes(bSent));
      assert.equal(await statusOfB(bScheduled), 'scheduled');
    });

    it('Twilio: A’s SID fetches, cancels and lists none of B’s; A’s token with B’s SID authenticates nothing', async () => {
      const asA = twilioAuth(a.twilio.sid, a.twilio.token);
      // The control: B's own credentials fetch it, so the 404s below are about who asks.
      const own = await gateway.http.inject({
        method: 'GET',
        url: `/2010-04-01/Accounts/${b.twilio.sid}/Messages/${toMessageSid(bSent)}.json`,
        headers: twilioAuth(b.twilio.sid, b.twilio.token),
      });
      assert.equal(own.statusCode, 200, own.body);
      const base = `/2010-04-01/Accounts/${a.twilio.sid}/Messages`;
      for (const id of [bScheduled, bSent]) {
        const fetch = await gateway.http.inject({
          method: 'GET',
          url: `${base}/${toMessageSid(id)}.json`,
          headers: asA,
        });
        assert.equal(fetch.statusCode, 404, fetch.body);
        assert.equal(fetch.json().code, 20404);
      }
      const cancel = await gateway.http.inject({
        method: 'POST',
        url: `${base}/${toMessageSid(bScheduled)}.json`,
        headers: { ...asA, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'Status=canceled',
      });
      assert.equal(cancel.statusCode, 404, cancel.body);
      const list = await gateway.http.inject({ method: 'GET', url: `${base}.json`, headers: asA });
      assert.equal(list.statusCode, 200, list.body);
      assert.ok(!list.body.includes(toMessageSid(bScheduled)) && !list.body.includes(toMessageSid(bSent)));
      // B's SID in the path with A's token, and A's SID in the path with B's Basic user.
      for (const [pathSid, headers] of [
        [b.twilio.sid, asA],
        [b.twilio.sid, twilioAuth(b.twilio.sid, a.twilio.token)],
        [a.twilio.sid, twilioAuth(b.twilio.sid, b.twilio.token)],
      ] as const) {
        const response = await gateway.http.inject({
          method: 'GET',
          url: `/2010-04-01/Accounts/${pathSid}/Messages.json`,
          headers,
        });
        assert.ok(
          [401, 403, 404].includes(response.statusCode),
          `${pathSid}: ${response.statusCode} ${response.body}`,
        );
        assert.ok(!response.body.includes(toMessageSid(bSent)));
      }
      assert.equal(await statusOfB(bScheduled), 'scheduled');
    });

    it('Interact: A’s application key reads no report of B’s tenant', async () => {
      const report = (tenantId: string, headers: Record<string, string>) =>
        gateway.http.inject({
          method: 'GET',
          url: `/interact/version/3/account/${tenantId}/resources/reports/deflectedCalls`,
          headers,
        });
      const cross = await report(b.tenantId, a.interact);
      assert.ok([401, 403, 404].includes(cross.statusCode), `${cross.statusCode} ${cross.body}`);
      const mixed = await report(b.tenantId, { ...a.interact, 'tenant-id': b.tenantId });
      assert.ok([401, 403].includes(mixed.statusCode), `${mixed.statusCode} ${mixed.body}`);
    });

    it('Kannel, Jasmin and Accolades: no mix of A’s and B’s logins sends or shows B’s balance', async () => {
      const before = await store.db
        .selectFrom('messages')
        .select('id')
        .where('account_id', '=', b.accountId)
        .execute();
      const kannel = await gateway.http.inject(
        sendsms({ username: b.kannel.user, password: a.kannel.password, to: '447911123458', text: 'as B' }),
      );
      assert.equal(kannel.statusCode, 403, kannel.body);
      const jasmin = await gateway.http.inject(
        jasminGet('/send', {
          username: b.jasmin.user,
          password: a.jasmin.password,
          to: '+447911123458',
          content: 'as B',
        }),
      );
      assert.equal(jasmin.statusCode, 403, jasmin.body);
      const accolades = await gateway.http.inject({
        method: 'POST',
        url: `/${b.accolades.number}/sms/send`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          password: a.accolades.password,
          phoneNumber: '+447911123458',
          message: 'as B',
        }).toString(),
      });
      assert.equal(accolades.statusCode, 401, accolades.body);
      const after = await store.db
        .selectFrom('messages')
        .select('id')
        .where('account_id', '=', b.accountId)
        .execute();
      assert.equal(after.length, before.length, 'nothing was sent as B');
      const balance = await gateway.http.inject(
        jasminGet('/balance', { username: b.jasmin.user, password: a.jasmin.password }),
      );
      assert.equal(balance.statusCode, 403, balance.body);
    });

    it('SMPP: B’s system_id with A’s password does not bind; each bind gets only its own account’s receipts', async () => {
      const port = smppPortOf(gateway);
      const mixed = connectForeign(port);
      const refused = await call(mixed.session, 'bind_transceiver', {
        system_id: b.smpp.systemId,
        password: a.smpp.password,
      });
      assert.notEqual(refused.command_status, S.ESME_ROK);
      mixed.session.destroy();

      const binds = await Promise.all(
        [a, b].map(async (tenant) => {
          const { session } = connectForeign(port);
          const receipts: ForeignPdu[] = [];
          session.on('deliver_sm', (pdu: ForeignPdu) => {
            receipts.push(pdu);
            session.send(pdu.response());
          });
          const bound = await call(session, 'bind_transceiver', {
            system_id: tenant.smpp.systemId,
            password: tenant.smpp.password,
          });
          assert.equal(bound.command_status, S.ESME_ROK);
          const submitted = await call(session, 'submit_sm', {
            destination_addr: '447911123459',
            registered_delivery: 1,
            short_message: 'receipt please',
          });
          assert.equal(submitted.command_status, S.ESME_ROK);
          return { session, receipts, id: submitted.message_id as string };
        }),
      );
      try {
        const [bindA, bindB] = binds as [(typeof binds)[0], (typeof binds)[0]];
        for (const bind of binds) {
          await waitUntil(
            () => bind.receipts.find((r) => r.receipted_message_id === bind.id),
            'its own receipt',
            15_000,
          );
        }
        assert.deepEqual(
          bindA.receipts.map((r) => r.receipted_message_id),
          [bindA.id],
        );
        assert.deepEqual(
          bindB.receipts.map((r) => r.receipted_message_id),
          [bindB.id],
        );
        // A's native key cannot read what B submitted over SMPP either.
        const read = await gateway.http.inject({
          method: 'GET',
          url: `/v1/messages/${gatewayMessageId(bindB.id)}`,
          headers: a.auth,
        });
        assert.equal(read.statusCode, 404, read.body);
        // query_sm for B's message from A's bind learns nothing about it.
        const query = await call(bindA.session, 'query_sm', { message_id: bindB.id, source_addr: '' });
        assert.notEqual(query.command_status, S.ESME_ROK);
      } finally {
        for (const bind of binds) bind.session.destroy();
      }
    });
  },
  describe,
);
