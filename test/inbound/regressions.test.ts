/**
 * Cases a review found broken: a STOP hidden behind many newer messages from other senders,
 * national numbers read as foreign ones, a split reply released and completed at the same time (both
 * orders forced by holding the message's lock),
 * and a scheduled message sent after its recipient opted out.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { partKeyOf } from '../../src/inbound/inbound-service.js';
import { createAccount, type MessageView, sendOk } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { waitFor } from '../helpers/gateway.js';
import {
  freshNumber,
  OTHER_SENDER,
  onlyInboundFrom,
  optedOutNumbers,
  request,
  SENDER,
  simulateInbound,
  startInboundGateway,
} from './support.js';

await describeEachDatabase(
  'inbound regressions',
  (db) => {
    let store: TestStore;
    let gateway: Gateway | undefined;
    beforeEach(async () => {
      store = await db.open();
    });
    afterEach(async () => {
      await gateway?.stop(false);
      gateway = undefined;
      await store.destroy();
    });

    it('finds the conversation of a STOP behind 25 newer messages to the number from other senders', async () => {
      gateway = await startInboundGateway(store);
      const b = await createAccount(store);
      const a = await createAccount(store);
      const customer = freshNumber();
      await sendOk(gateway, { to: customer, text: 'from B', from: SENDER }, b.auth);
      for (let i = 0; i < 25; i++)
        await sendOk(gateway, { to: customer, text: `A ${i}`, from: OTHER_SENDER }, a.auth);
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'STOP' });
      const inbound = await onlyInboundFrom(gateway, customer);
      assert.equal(inbound.accountId, b.accountId);
      assert.equal(inbound.keyword, 'stop');
      assert.deepEqual(
        (await optedOutNumbers(gateway, b.auth)).data.map((o) => o.number),
        [customer],
      );
      assert.deepEqual((await optedOutNumbers(gateway, a.auth)).data, []);
    });

    it('reads national numbers in the default region before reading their digits as international', async () => {
      gateway = await startInboundGateway(store, { defaultRegion: 'US' });
      const account = await createAccount(store);
      const [sent] = await sendOk(
        gateway,
        { to: '+12012345678', text: 'hi', from: '+12025550123' },
        account.auth,
      );
      await simulateInbound(gateway, { from: '2012345678', to: '2025550123', text: 'STOP' });
      const inbound = await onlyInboundFrom(gateway, '+12012345678');
      assert.equal(inbound.inReplyTo, sent!.id);
      assert.equal(inbound.keyword, 'stop');
      assert.deepEqual(
        (await optedOutNumbers(gateway, account.auth)).data.map((o) => o.number),
        ['+12012345678'],
      );
    });

    /** A split reply of two parts whose first part came two minutes ago (past partsMaxWaitSeconds). */
    async function staleFirstPart(gw: Gateway) {
      const customer = freshNumber();
      const concat = { reference: 3, total: 2 };
      const part = (seqnum: number, text: string, receivedAt: number) => ({
        connector: 'sim',
        from: customer,
        to: SENDER,
        text,
        receivedAt,
        concat: { ...concat, seqnum },
      });
      await gw.inbound.receive(part(1, 'aaa', Date.now() - 120_000));
      const key = partKeyOf('sim', customer, SENDER, concat);
      /** Holds the message's lock until the returned function is called. */
      const hold = () => {
        let open!: () => void;
        void gw.inbound.partLocks.run(key, () => new Promise<void>((resolve) => (open = resolve)));
        return () => open();
      };
      const queuedBehind = (n: number) =>
        waitFor(
          () => (gw.inbound.partLocks.queued(key) === n ? true : undefined),
          10_000,
          `${n} tasks on the key`,
        );
      const stored = async () =>
        (
          await store.db
            .selectFrom('inbound_messages')
            .select('body')
            .where('from_number', '=', customer)
            .execute()
        ).map((r) => r.body);
      const partsLeft = async () =>
        (
          await store.db.selectFrom('inbound_parts').select('seqnum').where('part_key', '=', key).execute()
        ).map((r) => r.seqnum);
      return {
        lastPart: () => gw.inbound.receive(part(2, 'bbb', Date.now())),
        hold,
        queuedBehind,
        stored,
        partsLeft,
      };
    }

    it('stores a split reply once when its last part completes it after a release read it as stale', async () => {
      gateway = await startInboundGateway(store, { inbound: { partsMaxWaitSeconds: 60 } });
      const reply = await staleFirstPart(gateway);
      const open = reply.hold();
      // The last part takes the lock first; the release then reads the key as stale and waits behind it.
      const last = reply.lastPart();
      await reply.queuedBehind(2);
      const released = gateway.inbound.releaseStaleParts();
      await reply.queuedBehind(3);
      open();
      assert.equal((await last)?.body, 'aaabbb');
      assert.equal(await released, 0, 'the release finds the message already stored');
      assert.deepEqual(await reply.stored(), ['aaabbb']);
      assert.deepEqual(await reply.partsLeft(), []);
    });

    it('keeps a last part that comes after its message was released as stale, for its own release', async () => {
      gateway = await startInboundGateway(store, { inbound: { partsMaxWaitSeconds: 60 } });
      const reply = await staleFirstPart(gateway);
      const open = reply.hold();
      // The release reads the key as stale and queues first; the last part arrives behind it.
      const released = gateway.inbound.releaseStaleParts();
      await reply.queuedBehind(2);
      const last = reply.lastPart();
      await reply.queuedBehind(3);
      open();
      assert.equal(await released, 1);
      assert.equal(await last, null, 'the late part completes nothing: its message was stored without it');
      assert.deepEqual(await reply.stored(), ['aaa…']);
      // Not a duplicate and not lost: the late part waits as a message of its own, released in turn.
      assert.deepEqual(await reply.partsLeft(), [2]);
      assert.equal(await gateway.inbound.releaseStaleParts(Date.now() + 61_000), 1);
      assert.deepEqual((await reply.stored()).sort(), ['aaa…', '…bbb']);
    });

    it('rejects a scheduled message whose recipient opted out before it was due', async () => {
      gateway = await startInboundGateway(store);
      const account = await createAccount(store);
      const customer = freshNumber();
      await sendOk(gateway, { to: customer, text: 'first', from: SENDER }, account.auth);
      const [scheduled] = await sendOk(
        gateway,
        { to: customer, text: 'later', from: SENDER, scheduleAt: new Date(Date.now() + 1500).toISOString() },
        account.auth,
      );
      await simulateInbound(gateway, { from: customer, to: SENDER, text: 'STOP' });
      const view = await waitFor(
        async () => {
          const response = await request(
            gateway!,
            'GET',
            `/v1/messages/${scheduled!.id}`,
            undefined,
            account.auth,
          );
          const message = response.json() as MessageView & { lastCode: string | null };
          return message.status === 'rejected' ? message : undefined;
        },
        15_000,
        'the scheduled message rejected',
      );
      assert.equal(view.lastCode, 'opted_out');
    });
  },
  describe,
);
