import { COMMAND_STATUS } from '../../src/smpp/command-status.js';
import { createPdu, type Pdu } from '../../src/smpp/pdu.js';
import { DATA_CODING, ESM_CLASS, NPI, TON } from '../../src/smpp/pdu-flags.js';
import { TLV_TAGS } from '../../src/smpp/tlv-tags.js';
import { cStringTlv, networkErrorCodeTlv, u8Tlv, u16Tlv } from '../../src/smpp/tlv-values.js';
import { buildConcatUdh } from '../../src/smpp/udh.js';

export { prng } from '../helpers/prng.js';

/** A vendor TLV tag no table names; the codec must keep it. */
export const VENDOR_TAG = 0x1401;

const receiptText =
  'id:0123456789 sub:001 dlvrd:001 submit date:2311221530 done date:2311221531 stat:DELIVRD err:000 text:Hello';

/** One realistic PDU of every command the codec knows. */
export function samplePdus(): Pdu[] {
  const bind = {
    system_id: 'smsgate',
    password: 'secret08',
    system_type: 'SMPP',
    interface_version: 0x34,
    addr_ton: TON.INTERNATIONAL,
    addr_npi: NPI.ISDN,
    address_range: '^44',
  };
  const bindResp = { system_id: 'SMSC01', tlvs: [u8Tlv(TLV_TAGS.sc_interface_version, 0x34)] };
  const ucs2 = Buffer.from('Привет, мир', 'utf16le').swap16();
  return [
    createPdu('generic_nack', { sequenceNumber: 17, commandStatus: COMMAND_STATUS.ESME_RINVCMDID }),
    createPdu('bind_receiver', { sequenceNumber: 1, ...bind }),
    createPdu('bind_receiver_resp', { sequenceNumber: 1, ...bindResp }),
    createPdu('bind_transmitter', { sequenceNumber: 2, ...bind }),
    createPdu('bind_transmitter_resp', { sequenceNumber: 2, ...bindResp }),
    createPdu('bind_transceiver', { sequenceNumber: 3, ...bind }),
    createPdu('bind_transceiver_resp', { sequenceNumber: 3, ...bindResp }),
    createPdu('outbind', { sequenceNumber: 4, system_id: 'SMSC01', password: 'pw123' }),
    createPdu('unbind', { sequenceNumber: 5 }),
    createPdu('unbind_resp', { sequenceNumber: 5 }),
    createPdu('enquire_link', { sequenceNumber: 6 }),
    createPdu('enquire_link_resp', { sequenceNumber: 6 }),
    createPdu('submit_sm', {
      sequenceNumber: 7,
      service_type: 'CMT',
      source_addr_ton: TON.ALPHANUMERIC,
      source_addr_npi: NPI.UNKNOWN,
      source_addr: 'Acme',
      dest_addr_ton: TON.INTERNATIONAL,
      dest_addr_npi: NPI.ISDN,
      destination_addr: '447700900123',
      esm_class: ESM_CLASS.UDHI,
      priority_flag: 1,
      validity_period: '000001000000000R',
      registered_delivery: 1,
      data_coding: DATA_CODING.UCS2,
      short_message: Buffer.concat([
        buildConcatUdh({ reference: 42, total: 2, seqnum: 1, refBits: 8 }),
        ucs2,
      ]),
      tlvs: [
        u16Tlv(TLV_TAGS.user_message_reference, 4711),
        { tag: VENDOR_TAG, value: Buffer.from('acct-7') },
        { tag: 0xfffe, value: Buffer.alloc(0) },
      ],
    }),
    createPdu('submit_sm_resp', { sequenceNumber: 7, message_id: '5f2a9c1e-7d1b-4f7e-9a51-2b8c3d4e5f60' }),
    createPdu('deliver_sm', {
      sequenceNumber: 8,
      source_addr_ton: TON.INTERNATIONAL,
      source_addr_npi: NPI.ISDN,
      source_addr: '447700900123',
      dest_addr_ton: TON.ALPHANUMERIC,
      destination_addr: 'Acme',
      esm_class: ESM_CLASS.SMSC_DELIVERY_RECEIPT,
      short_message: Buffer.from(receiptText, 'latin1'),
      tlvs: [
        cStringTlv(TLV_TAGS.receipted_message_id, '0123456789'),
        u8Tlv(TLV_TAGS.message_state, 2),
        networkErrorCodeTlv(3, 0),
      ],
    }),
    createPdu('deliver_sm_resp', { sequenceNumber: 8 }),
    createPdu('data_sm', {
      sequenceNumber: 9,
      service_type: 'WAP',
      source_addr_ton: TON.INTERNATIONAL,
      source_addr_npi: NPI.ISDN,
      source_addr: '4477009001234567890123456789012345',
      dest_addr_ton: TON.INTERNATIONAL,
      dest_addr_npi: NPI.ISDN,
      destination_addr: '447700900456',
      registered_delivery: 1,
      data_coding: DATA_CODING.OCTET_UNSPECIFIED,
      tlvs: [
        { tag: TLV_TAGS.message_payload, value: Buffer.alloc(600, 0xab) },
        u16Tlv(TLV_TAGS.source_port, 9200),
        u16Tlv(TLV_TAGS.destination_port, 2948),
      ],
    }),
    createPdu('data_sm_resp', {
      sequenceNumber: 9,
      commandStatus: COMMAND_STATUS.ESME_RDELIVERYFAILURE,
      tlvs: [
        u8Tlv(TLV_TAGS.delivery_failure_reason, 3),
        cStringTlv(TLV_TAGS.additional_status_info_text, 'busy'),
      ],
    }),
    createPdu('query_sm', {
      sequenceNumber: 10,
      message_id: '0123456789',
      source_addr_ton: TON.ALPHANUMERIC,
      source_addr: 'Acme',
    }),
    createPdu('query_sm_resp', {
      sequenceNumber: 10,
      message_id: '0123456789',
      final_date: '231122153045604+',
      message_state: 2,
      error_code: 0,
    }),
    createPdu('replace_sm', {
      sequenceNumber: 11,
      message_id: '0123456789',
      source_addr: 'Acme',
      schedule_delivery_time: '231122180000000+',
      registered_delivery: 1,
      short_message: Buffer.from('Updated text'),
    }),
    createPdu('replace_sm_resp', { sequenceNumber: 11 }),
    createPdu('cancel_sm', {
      sequenceNumber: 12,
      message_id: '0123456789',
      source_addr: 'Acme',
      dest_addr_ton: TON.INTERNATIONAL,
      dest_addr_npi: NPI.ISDN,
      destination_addr: '447700900123',
    }),
    createPdu('cancel_sm_resp', { sequenceNumber: 12, commandStatus: COMMAND_STATUS.ESME_RCANCELFAIL }),
    createPdu('submit_multi', {
      sequenceNumber: 13,
      source_addr_ton: TON.ALPHANUMERIC,
      source_addr: 'Acme',
      dest_addresses: [
        { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900123' },
        { dest_flag: 2, dl_name: 'staff' },
        { dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '447700900456' },
      ],
      registered_delivery: 1,
      short_message: Buffer.from('Meeting at 10'),
    }),
    createPdu('submit_multi_resp', {
      sequenceNumber: 13,
      message_id: 'M-991',
      unsuccess_smes: [
        {
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: '447700900456',
          error_status_code: COMMAND_STATUS.ESME_RINVDSTADR,
        },
      ],
    }),
    createPdu('alert_notification', {
      sequenceNumber: 14,
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900123',
      esme_addr_ton: 1,
      esme_addr_npi: 1,
      esme_addr: '447700900999',
      tlvs: [u8Tlv(TLV_TAGS.ms_availability_status, 0)],
    }),
  ];
}

/** A random integer in [min, max]. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** `length` random octets. */
export function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}
