import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { waitFor } from '../helpers/gateway.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { findBearerbox, KannelBox } from './kannel-box.js';
import { createSmppAccount, smppPortOf, startSmppGateway } from './smpp-server-kit.js';

/**
 * Kannel (Debian's `kannel` package: bearerbox + smsbox) with an `smsc = smpp` group bound to
 * smsgate's SMPP server: messages sent through Kannel's sendsms with a dlr-url go through smsgate
 * (to its sim upstream), and smsgate's receipts make Kannel call each dlr-url. Without Kannel the
 * test is skipped with a loud reason, except under CI=true, where it must run (.ci/run installs it).
 */

const bearerbox = findBearerbox();
const skip =
  bearerbox === undefined && process.env.CI !== 'true'
    ? 'Kannel NOT TESTED: no bearerbox found (apt-get install kannel; .ci/run installs it)'
    : undefined;
if (skip) process.stderr.write(`\n*** ${skip} ***\n\n`);

const MESSAGES = 20;

await describeEachDatabase(
  'SMPP server: Kannel as client',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let kannel: KannelBox;
    let dlrReceiver: WebhookReceiver;
    let apiKey: string;

    before(async () => {
      if (skip) return;
      assert.ok(bearerbox, 'Kannel is not installed, and under CI=true it must be (apt-get install kannel)');
      store = await db.open();
      gateway = await startSmppGateway(store);
      ({ apiKey } = await createSmppAccount(gateway, 'kannel1', 'pass1234'));
      dlrReceiver = await WebhookReceiver.start(200);
      kannel = await KannelBox.start({
        bearerbox,
        smppPort: smppPortOf(gateway),
        systemId: 'kannel1',
        password: 'pass1234',
      });
      await waitFor(() => (gateway.smpp.status().length > 0 ? true : undefined), 20_000, "Kannel's bind");
    });

    after(async () => {
      await kannel?.stop();
      await dlrReceiver?.close();
      await gateway?.stop(false);
      await store?.destroy();
    });

    it('delivers what Kannel sends and Kannel calls the dlr-url of every message', async () => {
      const [bind] = gateway.smpp.status();
      assert.equal(bind?.mode, 'transceiver');
      for (let i = 0; i < MESSAGES; i++) {
        const answer = await kannel.sendsms({
          to: `4479111234${String(i).padStart(2, '0')}`,
          from: 'Acme',
          text: i % 2 === 0 ? `Kannel message ${i}` : `Kannel сообщение ${i}`,
          ...(i % 2 === 0 ? {} : { charset: 'UTF-8', coding: '2' }),
          'dlr-mask': '3',
          'dlr-url': `${dlrReceiver.origin}/dlr?n=${i}&status=%d&smsc=%i`,
        });
        assert.equal(answer.status, 202, answer.body);
      }
      const calls = await waitFor(
        () => (dlrReceiver.requests.length >= MESSAGES ? dlrReceiver.requests : undefined),
        30_000,
        `Kannel's ${MESSAGES} dlr-url calls\n${kannel.logs()}`,
      );
      const seen = calls.map((call) => new URL(call.path, 'http://x').searchParams);
      assert.deepEqual(
        seen.map((params) => Number(params.get('n'))).sort((a, b) => a - b),
        Array.from({ length: MESSAGES }, (_, i) => i),
      );
      for (const params of seen) {
        assert.equal(params.get('status'), '1', 'a DLR of "delivered"');
        assert.equal(params.get('smsc'), 'smsgate');
      }

      const listed = await gateway.http.inject({
        method: 'GET',
        url: '/v1/messages?limit=100',
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const messages = (listed.json() as { data: { status: string; text: string }[] }).data;
      assert.equal(messages.length, MESSAGES);
      assert.ok(messages.every((m) => m.status === 'delivered'));
      assert.ok(messages.some((m) => m.text === 'Kannel сообщение 1'));
      // Kannel may call a dlr-url before its deliver_sm_resp has reached us.
      const counters = await waitFor(
        () => {
          const c = gateway.smpp.status()[0]?.counters;
          return c && c.receiptsSent === MESSAGES ? c : undefined;
        },
        10_000,
        'every receipt acknowledged',
      );
      assert.equal(counters.accepted, MESSAGES);
    });
  },
  (name, options, fn) => describe(name, skip ? { skip } : options, fn),
);
