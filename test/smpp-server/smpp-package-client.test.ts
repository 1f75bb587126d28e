import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeText } from '../../src/core/text-encoding.js';
import type { Gateway } from '../../src/gateway.js';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { parseDeliveryReceipt } from '../../src/smpp/delivery-receipt.js';
import { MESSAGE_STATES } from '../../src/smpp/message-state.js';
import { ESM_CLASS } from '../../src/smpp/pdu-flags.js';
import { buildConcatUdh } from '../../src/smpp/udh.js';
import { gatewayMessageId } from '../../src/smpp-server/smpp-message-id.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH } from '../helpers/gateway.js';
import { waitUntil } from '../smpp/smpp-test-kit.js';
import {
  call,
  connectForeign,
  createSmppAccount,
  type ForeignPdu,
  type ForeignSession,
  smppPortOf,
  startSmppGateway,
} from './smpp-server-kit.js';

/**
 * The gateway's SMPP server against a client we did not write: the `smpp` npm package
 * (farhadi/node-smpp 0.5.1). short_message is given as bytes with an explicit data_coding, because
 * the package picks encodings by its own defaults otherwise.
 */

const SYSTEM_ID = 'esme1';
const PASSWORD = 'pass1234';

function receiptText(pdu: ForeignPdu): string {
  const message = pdu.short_message as { message?: unknown } | Buffer | string;
  if (typeof message === 'string') return message;
  if (Buffer.isBuffer(message)) return message.toString('latin1');
  return String(message.message);
}

function ucs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

await describeEachDatabase(
  'SMPP server: the smpp package as client',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let session: ForeignSession;
    let errors: Error[];
    const receipts: ForeignPdu[] = [];
    let apiKey: string;

    before(async () => {
      store = await db.open();
      gateway = await startSmppGateway(store);
      ({ apiKey } = await createSmppAccount(gateway, SYSTEM_ID, PASSWORD));
      ({ session, errors } = connectForeign(smppPortOf(gateway)));
      session.on('deliver_sm', (pdu: ForeignPdu) => {
        receipts.push(pdu);
        session.send(pdu.response());
      });
    });

    after(async () => {
      session?.destroy();
      await gateway?.stop(false);
      await store?.destroy();
    });

    const readMessage = async (id: string) => {
      const response = await gateway.http.inject({
        method: 'GET',
        url: `/v1/messages/${gatewayMessageId(id)}`,
        headers: { authorization: `Bearer ${apiKey}` },
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { text: string; to: string; status: string; segments: number };
    };

    const receiptFor = (id: string) =>
      waitUntil(() => receipts.find((r) => r.receipted_message_id === id), `the receipt of ${id}`, 10_000);

    it('refuses a wrong password with ESME_RINVPASWD and an unknown system_id with ESME_RINVSYSID', async () => {
      const wrong = connectForeign(smppPortOf(gateway));
      const refused = await call(wrong.session, 'bind_transceiver', {
        system_id: SYSTEM_ID,
        password: 'nottheone',
      });
      assert.equal(refused.command_status, S.ESME_RINVPASWD);
      wrong.session.destroy();
      const unknown = connectForeign(smppPortOf(gateway));
      const nobody = await call(unknown.session, 'bind_transmitter', {
        system_id: 'nobody',
        password: PASSWORD,
      });
      assert.equal(nobody.command_status, S.ESME_RINVSYSID);
      unknown.session.destroy();
    });

    it('binds as transceiver with the account credential', async () => {
      const bound = await call(session, 'bind_transceiver', { system_id: SYSTEM_ID, password: PASSWORD });
      assert.equal(bound.command_status, S.ESME_ROK);
      assert.equal(bound.system_id, 'smsgate');
      const binds = await gateway.http.inject({ method: 'GET', url: '/v1/smpp/binds', headers: ADMIN_AUTH });
      const list = binds.json() as { data: { systemId: string; mode: string }[] };
      assert.deepEqual(
        list.data.map((b) => [b.systemId, b.mode]),
        [[SYSTEM_ID, 'transceiver']],
      );
    });

    it('takes a GSM submit_sm, answers with the stored message id and sends its receipt back', async () => {
      const response = await call(session, 'submit_sm', {
        source_addr_ton: 5,
        source_addr: 'Acme',
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '447911123423',
        registered_delivery: 1,
        data_coding: 0,
        // GSM 03.38, one septet per octet: '@' is 0x00 and '€' the escape pair 1B 65.
        short_message: encodeText('Hello from SMPP @ 5€', 'gsm7'),
      });
      assert.equal(response.command_status, S.ESME_ROK);
      const id = response.message_id as string;
      const message = await readMessage(id);
      assert.equal(message.text, 'Hello from SMPP @ 5€');
      assert.equal(message.to, '+447911123423');

      const receipt = await receiptFor(id);
      assert.equal((receipt.esm_class as number) & ESM_CLASS.TYPE_MASK, ESM_CLASS.SMSC_DELIVERY_RECEIPT);
      assert.equal(receipt.message_state, MESSAGE_STATES.DELIVERED);
      assert.equal(receipt.source_addr, '447911123423');
      assert.equal(receipt.destination_addr, 'Acme');
      const fields = parseDeliveryReceipt(receiptText(receipt));
      assert.equal(fields?.id, id);
      assert.equal(fields?.stat, 'DELIVRD');
      assert.equal(fields?.err, '000');
      // Only what ASCII and GSM read alike is repeated.
      assert.equal(fields?.text, 'Hello from SMPP ? 5?');
    });

    it('takes a UCS-2 submit_sm', async () => {
      const text = 'Привет, мир 👋';
      const response = await call(session, 'submit_sm', {
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '447911123424',
        registered_delivery: 1,
        data_coding: 8,
        short_message: ucs2(text),
      });
      assert.equal(response.command_status, S.ESME_ROK);
      const id = response.message_id as string;
      const message = await readMessage(id);
      assert.equal(message.text, text);
      await receiptFor(id);
    });

    it('reassembles a long message sent in UDH parts: every part answered with the one id, one receipt', async () => {
      const parts = ['A'.repeat(153), 'B'.repeat(153), 'C'.repeat(20)];
      const ids: string[] = [];
      for (const [i, part] of parts.entries()) {
        const udh = buildConcatUdh({ reference: 42, total: parts.length, seqnum: i + 1, refBits: 8 });
        const response = await call(session, 'submit_sm', {
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: '447911123425',
          esm_class: ESM_CLASS.UDHI,
          registered_delivery: 1,
          data_coding: 0,
          short_message: Buffer.concat([udh, Buffer.from(part)]),
        });
        assert.equal(response.command_status, S.ESME_ROK);
        ids.push(response.message_id as string);
      }
      assert.equal(new Set(ids).size, 1);
      const message = await readMessage(ids[0]!);
      assert.equal(message.text, parts.join(''));
      assert.equal(message.segments, 3);
      await receiptFor(ids[0]!);
      const left = await store.db.selectFrom('smpp_submit_parts').select('seqnum').execute();
      assert.deepEqual(left, []);
    });

    it('reassembles SAR parts and takes message_payload', async () => {
      const parts = ['Ы'.repeat(67), 'Ж'.repeat(10)];
      const ids: string[] = [];
      for (const [i, part] of parts.entries()) {
        const response = await call(session, 'submit_sm', {
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: '447911123426',
          registered_delivery: 1,
          data_coding: 8,
          short_message: ucs2(part),
          sar_msg_ref_num: 777,
          sar_total_segments: parts.length,
          sar_segment_seqnum: i + 1,
        });
        assert.equal(response.command_status, S.ESME_ROK);
        ids.push(response.message_id as string);
      }
      assert.equal(ids[0], ids[1]);
      assert.equal((await readMessage(ids[0]!)).text, parts.join(''));

      const long = 'payload '.repeat(40).trim();
      const payload = await call(session, 'submit_sm', {
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '447911123427',
        registered_delivery: 1,
        data_coding: 0,
        message_payload: Buffer.from(long),
      });
      assert.equal(payload.command_status, S.ESME_ROK);
      assert.equal((await readMessage(payload.message_id as string)).text, long);
      await receiptFor(payload.message_id as string);
    });

    it('answers a submit to an invalid destination with ESME_RINVDSTADR', async () => {
      const response = await call(session, 'submit_sm', {
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: '12',
        data_coding: 0,
        short_message: Buffer.from('nowhere'),
      });
      assert.equal(response.command_status, S.ESME_RINVDSTADR);
    });

    it('answers enquire_link and unbind', async () => {
      const pong = await call(session, 'enquire_link');
      assert.equal(pong.command_status, S.ESME_ROK);
      const unbound = await call(session, 'unbind');
      assert.equal(unbound.command, 'unbind_resp');
      await waitUntil(() => gateway.smpp.status().length === 0, 'the bind to be forgotten');
      assert.deepEqual(errors, []);
    });
  },
  describe,
);
