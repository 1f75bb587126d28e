/**
 * Who a customer's reply belongs to when two tenants text the same customer (security issue: a
 * reply used to go to whoever wrote last, so another tenant could take over a conversation and its
 * STOP). The rule (docs/webhooks.md, "Who a reply belongs to"): a reply is correlated within the
 * sender identity it was addressed to — the number (or sender id) and the connector; a number an
 * admin gave to an account is that account's alone; a number several accounts wrote from and nobody
 * owns makes the reply nobody's (admins see it) and its STOP applies to each of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { assertError, type Headers, sendMessages, sendOk } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH } from '../helpers/gateway.js';
import {
  freshNumber,
  listInbound,
  onlyInboundFrom,
  optedOutNumbers,
  request,
  SENDER,
  simulateInbound,
  startInboundGateway,
} from './support.js';

interface Tenant {
  accountId: string;
  auth: Headers;
}

/** A tenant with one client account, made through the admin API. */
async function tenantWithClient(gateway: Gateway, name: string): Promise<Tenant> {
  const tenant = await request(gateway, 'POST', '/v1/tenants', { name });
  assert.equal(tenant.statusCode, 201, tenant.body);
  const account = await request(gateway, 'POST', '/v1/accounts', {
    name: `${name} client`,
    role: 'client',
    tenantId: tenant.json().id,
  });
  assert.equal(account.statusCode, 201, account.body);
  return { accountId: account.json().id, auth: { authorization: `Bearer ${account.json().apiKey.key}` } };
}

async function messageView(gateway: Gateway, id: string, auth: Headers) {
  const response = await request(gateway, 'GET', `/v1/messages/${id}`, undefined, auth);
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { awaitingReply: boolean; repliedAt: string | null };
}

await describeEachDatabase(
  'reply ownership across tenants',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let a: Tenant;
    let b: Tenant;

    before(async () => {
      store = await db.open();
      gateway = await startInboundGateway(store);
      a = await tenantWithClient(gateway, 'tenant A');
      b = await tenantWithClient(gateway, 'tenant B');
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('another tenant writing to the same customer does not take over its reply or its STOP', async () => {
      const customer = freshNumber();
      const [asked] = await sendOk(
        gateway,
        { to: customer, text: 'Reply YES to confirm', replyRequired: true },
        a.auth,
      );
      await sendOk(gateway, { to: customer, text: 'anything' }, b.auth);

      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'YES, my DOB is 1 May 1970' });
      assert.deepEqual(
        (await listInbound(gateway, { from: customer }, b.auth)).data,
        [],
        'nothing in B’s inbound',
      );
      assert.deepEqual(
        (await listInbound(gateway, { from: customer }, a.auth)).data,
        [],
        'nor silently in A’s',
      );
      const reply = await onlyInboundFrom(gateway, customer);
      assert.equal(reply.accountId, null, 'an admin sees it, unattributed');
      assert.equal((await messageView(gateway, asked!.id, a.auth)).awaitingReply, true);

      // The customer says STOP to the number both wrote from: neither may text it any more.
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'STOP' });
      for (const tenant of [a, b]) {
        const response = await sendMessages(gateway, { to: customer, text: 'still there?' }, tenant.auth);
        assertError(response, 400, { code: 'recipient_opted_out', field: 'to' });
        assert.ok((await optedOutNumbers(gateway, tenant.auth)).data.some((o) => o.number === customer));
      }
    });

    it('a number an admin gave to one tenant takes that tenant’s replies, and the other tenant may not send from it', async () => {
      const assigned = await request(gateway, 'PUT', `/v1/numbers/${encodeURIComponent(SENDER)}`, {
        accountId: a.accountId,
      });
      assert.equal(assigned.statusCode, 200, assigned.body);
      assert.deepEqual(
        (await request(gateway, 'GET', '/v1/numbers')).json().data.map((n: { number: string }) => n.number),
        [SENDER],
      );
      try {
        const customer = freshNumber();
        const [asked] = await sendOk(
          gateway,
          { to: customer, from: SENDER, text: 'Reply YES', replyRequired: true },
          a.auth,
        );
        const refused = await sendMessages(gateway, { to: customer, from: SENDER, text: 'mine now' }, b.auth);
        assertError(refused, 403, { code: 'sender_not_allowed', field: 'from' });
        assert.doesNotMatch(refused.body, new RegExp(a.accountId), 'the owner is not revealed');
        // B still writes to the customer from the connector's default sender.
        await sendOk(gateway, { to: customer, text: 'from the default sender' }, b.auth);

        await simulateInbound(gateway, { from: customer, to: SENDER, text: 'YES' });
        const [reply] = (await listInbound(gateway, { from: customer }, a.auth)).data;
        assert.equal(reply?.accountId, a.accountId);
        assert.equal(reply?.inReplyTo, asked!.id);
        assert.deepEqual((await listInbound(gateway, { from: customer }, b.auth)).data, []);
        assert.equal((await messageView(gateway, asked!.id, a.auth)).awaitingReply, false);

        await simulateInbound(gateway, { from: customer, to: SENDER, text: 'STOP' });
        assert.ok((await optedOutNumbers(gateway, a.auth)).data.some((o) => o.number === customer));
        assert.ok(!(await optedOutNumbers(gateway, b.auth)).data.some((o) => o.number === customer));
      } finally {
        const released = await request(gateway, 'DELETE', `/v1/numbers/${encodeURIComponent(SENDER)}`);
        assert.equal(released.statusCode, 204, released.body);
      }
    });

    it('owned numbers are managed by admins only', async () => {
      const attempt = await request(
        gateway,
        'PUT',
        `/v1/numbers/${encodeURIComponent(SENDER)}`,
        { accountId: b.accountId },
        b.auth,
      );
      assertError(attempt, 403);
      assertError(await request(gateway, 'GET', '/v1/numbers', undefined, b.auth), 403);
      assertError(await request(gateway, 'DELETE', '/v1/numbers/12345', undefined, ADMIN_AUTH), 404);
      const bad = await request(gateway, 'PUT', '/v1/numbers/12345', { accountId: 'acc_nobody' });
      assertError(bad, 404);
    });
  },
  describe,
);
