import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { parseDeliveryReceipt } from '../../src/smpp/delivery-receipt.js';
import { createPdu, type Pdu } from '../../src/smpp/pdu.js';
import { decodePdu, encodePdu } from '../../src/smpp/pdu-codec.js';
import { DATA_CODING, ESM_CLASS } from '../../src/smpp/pdu-flags.js';
import { parseSmppTime } from '../../src/smpp/smpp-time.js';
import { TLV_TAGS } from '../../src/smpp/tlv-tags.js';
import {
  cStringTlv,
  getTlv,
  messageState,
  receiptedMessageId,
  u8Tlv,
  u16Tlv,
  userMessageReference,
} from '../../src/smpp/tlv-values.js';

/**
 * Interop with the independent `smpp` npm package (farhadi/node-smpp 0.5.1): what we encode it decodes,
 * and what it encodes we decode, field by field. Its short_message decoding depends on data_coding
 * (GSM for 0, UTF-16BE for 8, raw for 4), so the tests pick codings whose result is predictable.
 */

interface ForeignPdu {
  command: string;
  command_status: number;
  sequence_number: number;
  toBuffer(): Buffer;
  [field: string]: unknown;
}

interface ForeignPduClass {
  new (command: string, options?: Record<string, unknown>): ForeignPdu;
  fromBuffer(buffer: Buffer): ForeignPdu | false;
}

const require = createRequire(import.meta.url);
const { PDU } = require('smpp') as { PDU: ForeignPduClass };

function theyDecode(pdu: Pdu): ForeignPdu {
  const decoded = PDU.fromBuffer(encodePdu(pdu));
  assert.ok(decoded, 'smpp could not frame our PDU');
  assert.equal(decoded.command, pdu.command);
  assert.equal(decoded.sequence_number, pdu.sequenceNumber);
  assert.equal(decoded.command_status, pdu.commandStatus);
  return decoded;
}

function weDecode<C extends Pdu['command']>(
  command: C,
  options: Record<string, unknown>,
): Extract<Pdu, { command: C }> {
  const pdu = decodePdu(new PDU(command, options).toBuffer());
  assert.equal(pdu.command, command);
  return pdu as Extract<Pdu, { command: C }>;
}

const bindFields = {
  system_id: 'smsgate',
  password: 'secret08',
  system_type: 'SMPP',
  interface_version: 0x34,
  addr_ton: 1,
  addr_npi: 1,
  address_range: '^44',
};

describe('interop with the smpp npm package', () => {
  it('bind_transceiver', () => {
    const ours = createPdu('bind_transceiver', { sequenceNumber: 1, ...bindFields });
    const theirs = theyDecode(ours);
    for (const [field, value] of Object.entries(bindFields)) assert.equal(theirs[field], value, field);

    const back = weDecode('bind_transceiver', { sequence_number: 1, ...bindFields });
    assert.deepEqual(back, ours);
    assert.deepEqual(
      encodePdu(ours),
      new PDU('bind_transceiver', { sequence_number: 1, ...bindFields }).toBuffer(),
    );
  });

  it('submit_sm with TLVs, ours → theirs', () => {
    const text = 'Привет, мир';
    const ours = createPdu('submit_sm', {
      sequenceNumber: 0x7fffffff,
      source_addr_ton: 5,
      source_addr: 'Acme',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447700900123',
      registered_delivery: 1,
      validity_period: '231122153045604+',
      data_coding: DATA_CODING.UCS2,
      short_message: Buffer.from(text, 'utf16le').swap16(),
      tlvs: [
        u16Tlv(TLV_TAGS.user_message_reference, 4711),
        u16Tlv(TLV_TAGS.source_port, 9200),
        { tag: 0x1401, value: Buffer.from('acct-7') },
      ],
    });
    const theirs = theyDecode(ours);
    assert.equal(theirs.source_addr_ton, 5);
    assert.equal(theirs.source_addr, 'Acme');
    assert.equal(theirs.destination_addr, '447700900123');
    assert.equal(theirs.registered_delivery, 1);
    assert.equal(theirs.data_coding, DATA_CODING.UCS2);
    assert.deepEqual(theirs.short_message, { message: text });
    assert.equal(theirs.schedule_delivery_time, '');
    assert.deepEqual(theirs.validity_period, parseSmppTime(ours.validity_period));
    assert.equal(theirs.user_message_reference, 4711);
    assert.equal(theirs.source_port, 9200);
    assert.deepEqual(theirs[0x1401], Buffer.from('acct-7'));
  });

  it('submit_sm with TLVs, theirs → ours', () => {
    const body = Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0xde, 0xad]);
    const pdu = weDecode('submit_sm', {
      sequence_number: 9,
      service_type: 'CMT',
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900999',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447700900123',
      esm_class: ESM_CLASS.UDHI,
      priority_flag: 2,
      registered_delivery: 1,
      data_coding: DATA_CODING.OCTET_UNSPECIFIED,
      short_message: body,
      user_message_reference: 77,
      sar_msg_ref_num: 0x1234,
      sar_total_segments: 3,
      sar_segment_seqnum: 2,
    });
    assert.equal(pdu.sequenceNumber, 9);
    assert.equal(pdu.service_type, 'CMT');
    assert.equal(pdu.source_addr, '447700900999');
    assert.equal(pdu.destination_addr, '447700900123');
    assert.equal(pdu.esm_class, ESM_CLASS.UDHI);
    assert.equal(pdu.priority_flag, 2);
    assert.equal(pdu.data_coding, DATA_CODING.OCTET_UNSPECIFIED);
    assert.deepEqual(pdu.short_message, body);
    assert.equal(userMessageReference(pdu), 77);
    assert.deepEqual(getTlv(pdu, TLV_TAGS.sar_msg_ref_num), Buffer.from([0x12, 0x34]));
    assert.deepEqual(getTlv(pdu, TLV_TAGS.sar_total_segments), Buffer.from([3]));
  });

  it('deliver_sm receipt in both directions', () => {
    const text =
      'id:0123456789 sub:001 dlvrd:001 submit date:2311221530 done date:2311221531 stat:DELIVRD err:000 text:Hello';
    const ours = createPdu('deliver_sm', {
      sequenceNumber: 3,
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900123',
      destination_addr: 'Acme',
      esm_class: ESM_CLASS.SMSC_DELIVERY_RECEIPT,
      short_message: Buffer.from(text, 'latin1'),
      tlvs: [cStringTlv(TLV_TAGS.receipted_message_id, '0123456789'), u8Tlv(TLV_TAGS.message_state, 2)],
    });
    const theirs = theyDecode(ours);
    assert.equal(theirs.esm_class, ESM_CLASS.SMSC_DELIVERY_RECEIPT);
    assert.deepEqual(theirs.short_message, { message: text });
    assert.equal(theirs.receipted_message_id, '0123456789');
    assert.equal(theirs.message_state, 2);

    const back = weDecode('deliver_sm', {
      sequence_number: 3,
      source_addr: '447700900123',
      destination_addr: 'Acme',
      esm_class: ESM_CLASS.SMSC_DELIVERY_RECEIPT,
      data_coding: 0,
      short_message: Buffer.from(text, 'latin1'),
      receipted_message_id: 'A1B2C3',
      message_state: 5,
    });
    assert.equal(back.esm_class, ESM_CLASS.SMSC_DELIVERY_RECEIPT);
    assert.equal(receiptedMessageId(back), 'A1B2C3');
    assert.equal(messageState(back), 5);
    assert.equal(parseDeliveryReceipt(back.short_message.toString('latin1'))?.stat, 'DELIVRD');
  });

  it('submit_sm_resp, ok and error', () => {
    const ok = createPdu('submit_sm_resp', { sequenceNumber: 7, message_id: '5f2a9c1e' });
    assert.equal(theyDecode(ok).message_id, '5f2a9c1e');
    assert.deepEqual(weDecode('submit_sm_resp', { sequence_number: 7, message_id: '5f2a9c1e' }), ok);

    const throttled = createPdu('submit_sm_resp', { sequenceNumber: 8, commandStatus: S.ESME_RTHROTTLED });
    theyDecode(throttled);
    const back = weDecode('submit_sm_resp', { sequence_number: 8, command_status: S.ESME_RTHROTTLED });
    assert.deepEqual(back, throttled);
  });

  for (const command of ['enquire_link', 'enquire_link_resp', 'unbind', 'unbind_resp'] as const) {
    it(`${command} is byte-identical`, () => {
      const ours = createPdu(command, { sequenceNumber: 42 });
      theyDecode(ours);
      assert.deepEqual(encodePdu(ours), new PDU(command, { sequence_number: 42 }).toBuffer());
      assert.deepEqual(weDecode(command, { sequence_number: 42 }), ours);
    });
  }

  it('generic_nack is byte-identical', () => {
    const ours = createPdu('generic_nack', { sequenceNumber: 5, commandStatus: S.ESME_RINVCMDID });
    theyDecode(ours);
    const theirs = new PDU('generic_nack', { sequence_number: 5, command_status: S.ESME_RINVCMDID });
    assert.deepEqual(encodePdu(ours), theirs.toBuffer());
    assert.deepEqual(decodePdu(theirs.toBuffer()), ours);
  });
});
