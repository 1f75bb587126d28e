// Seed 003 under gateway settings other tests leave alone: the gateway's `defaultRegion` beside a
// credential's own, the failed-authentication limiter (429), and a full queue (503), each answered
// in the API's `{"type":"error","message":…}` shape with `Retry-After`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import { waitForFinal } from '../../helpers/webhook-receiver.js';
import { assertError, assertOk, provisionAccolades, sendForm } from './accolades-support.js';

await describeEachDatabase(
  'accolades with gateway settings',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, {
        config: { defaultRegion: 'GB', maxFailedAuthPerMinute: 3, queue: { maxQueued: 3 } },
      });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    /** Messages these tests sent; the queue test waits for them to leave the queue first. */
    const sent: string[] = [];
    const toNumber = async (id: string) => {
      sent.push(id);
      return (
        await store.db
          .selectFrom('messages')
          .select('to_number')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).to_number;
    };

    it('a credential without a region reads national numbers in the gateway’s; one with a region in its own', async () => {
      const british = await provisionAccolades(gateway);
      const romanian = await provisionAccolades(gateway, { region: 'RO' });
      const send = (who: typeof british, phoneNumber: string) =>
        gateway.http.inject(
          sendForm(who.accountNumber, { password: who.password, phoneNumber, message: 'x' }),
        );
      assert.equal(await toNumber(assertOk(await send(british, '07911 123456'))), '+447911123456');
      assert.equal(await toNumber(assertOk(await send(romanian, '0721 000 005'))), '+40721000005');
      // The Romanian credential's region wins over the gateway's: a British national number is not one there.
      assertError(
        await send(romanian, '07911 123456'),
        400,
        /^phoneNumber "07911 123456" is not a valid phone number$/,
      );
    });

    it('an address that keeps failing is slowed down: 429 with Retry-After, the right password included', async () => {
      const caller = await provisionAccolades(gateway);
      const attempt = (password: string) =>
        gateway.http.inject({
          ...sendForm(caller.accountNumber, { password, phoneNumber: '+447911123456', message: 'x' }),
          remoteAddress: '192.0.2.77',
        });
      for (let i = 0; i < 3; i++)
        assertError(await attempt('guess'), 401, /^Wrong account number or password$/);
      const limited = await attempt(caller.password);
      assertError(
        limited,
        429,
        /^Too many failed authentications with these credentials from this address; retry in \d+ s$/,
      );
      assert.ok(Number(limited.headers['retry-after']) > 0);
      // Another address is not affected.
      sent.push(
        assertOk(
          await gateway.http.inject(
            sendForm(caller.accountNumber, {
              password: caller.password,
              phoneNumber: '+447911123457',
              message: 'x',
            }),
          ),
        ),
      );
    });

    it('a full queue is a 503 with Retry-After, and nothing is stored', async () => {
      const caller = await provisionAccolades(gateway);
      await waitForFinal(store, sent);
      // Three messages scheduled an hour ahead keep the queue (maxQueued 3) full.
      const later = new Date(Date.now() + 3_600_000).toISOString();
      const queued = await gateway.http.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
        payload: JSON.stringify({
          to: ['+447911123456', '+447911123457', '+447911123458'],
          text: 'later',
          scheduleAt: later,
        }),
      });
      assert.equal(queued.statusCode, 202, queued.body);
      const full = await gateway.http.inject(
        sendForm(caller.accountNumber, {
          password: caller.password,
          phoneNumber: '+447911123459',
          message: 'now',
        }),
      );
      assertError(full, 503, /^The gateway's queue is full \(3 messages waiting, limit 3\); retry later$/);
      assert.ok(Number(full.headers['retry-after']) > 0);
      const stored = await store.db
        .selectFrom('messages')
        .select('id')
        .where('account_id', '=', caller.accountId)
        .execute();
      assert.equal(stored.length, 0);
    });
  },
  describe,
);
