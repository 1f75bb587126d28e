import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_NAMES } from '../../src/smpp/command-ids.js';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { createPdu, type Pdu } from '../../src/smpp/pdu.js';
import { decodePdu, encodePdu } from '../../src/smpp/pdu-codec.js';
import { PduDecodeError, SmppEncodeError } from '../../src/smpp/smpp-errors.js';
import { TLV_TAGS } from '../../src/smpp/tlv-tags.js';
import { u16Tlv } from '../../src/smpp/tlv-values.js';
import { samplePdus, VENDOR_TAG } from './pdu-samples.js';

/** Hex with spaces and line breaks allowed, so vectors can be laid out field by field. */
function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

function ascii(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex');
}

function decodeFailure(frame: Buffer): PduDecodeError {
  try {
    decodePdu(frame);
  } catch (error) {
    assert.ok(error instanceof PduDecodeError, `expected PduDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('decodePdu accepted the frame');
}

describe('PDU codec round trip', () => {
  const samples = samplePdus();

  it('has a sample of every command', () => {
    assert.deepEqual(samples.map((pdu) => pdu.command).sort(), [...COMMAND_NAMES].sort());
  });

  for (const pdu of samples) {
    it(`${pdu.command} survives encode → decode`, () => {
      const frame = encodePdu(pdu);
      assert.equal(frame.readUInt32BE(0), frame.length);
      assert.deepEqual(decodePdu(frame), pdu);
    });
  }

  it('keeps unknown and vendor TLVs, in order', () => {
    const submit = samples.find((pdu) => pdu.command === 'submit_sm')!;
    const decoded = decodePdu(encodePdu(submit));
    assert.deepEqual(
      decoded.tlvs.map((tlv) => tlv.tag),
      [TLV_TAGS.user_message_reference, VENDOR_TAG, 0xfffe],
    );
    assert.equal(decoded.tlvs[1]!.value.toString(), 'acct-7');
  });

  it('carries sequence numbers and statuses across the whole u32 range', () => {
    for (const sequenceNumber of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) {
      const pdu = createPdu('enquire_link_resp', { sequenceNumber, commandStatus: 0xffffffff });
      assert.deepEqual(decodePdu(encodePdu(pdu)), pdu);
    }
  });
});

describe('submit_sm and deliver_sm (their own decoding path)', () => {
  const fields = {
    sequenceNumber: 99,
    service_type: 'SVC12',
    source_addr_ton: 1,
    source_addr_npi: 2,
    source_addr: 'S'.repeat(20),
    dest_addr_ton: 3,
    dest_addr_npi: 4,
    destination_addr: 'D'.repeat(20),
    esm_class: 5,
    protocol_id: 6,
    priority_flag: 7,
    schedule_delivery_time: '231122153045600+',
    validity_period: '231122153045604+',
    registered_delivery: 8,
    replace_if_present_flag: 9,
    data_coding: 10,
    sm_default_msg_id: 11,
    short_message: Buffer.from('body'),
    tlvs: [u16Tlv(TLV_TAGS.user_message_reference, 12)],
  };

  for (const command of ['submit_sm', 'deliver_sm'] as const) {
    it(`${command} keeps every field in place`, () => {
      const pdu = createPdu(command, fields);
      assert.deepEqual(decodePdu(encodePdu(pdu)), pdu);
    });

    it(`${command} answers each over-long string with its own status`, () => {
      const expected = {
        service_type: S.ESME_RINVSERTYP,
        source_addr: S.ESME_RINVSRCADR,
        destination_addr: S.ESME_RINVDSTADR,
        schedule_delivery_time: S.ESME_RINVSCHED,
        validity_period: S.ESME_RINVEXPIRY,
      };
      for (const [field, status] of Object.entries(expected)) {
        // Every string is at its limit and followed by a NUL octet; replacing its own NUL makes it too long.
        const pdu = createPdu(command, { ...fields, esm_class: 0, dest_addr_ton: 0, source_addr_ton: 0 });
        pdu.registered_delivery = 0;
        const frame = encodePdu(pdu);
        const value = pdu[field as keyof typeof expected];
        frame[frame.indexOf(value) + value.length] = 0x41;
        const error = decodeFailure(frame);
        assert.equal(error.commandStatus, status, field);
        assert.equal(error.field, field);
      }
    });
  }
});

describe('PDU codec known byte vectors', () => {
  it('enquire_link is a bare header', () => {
    assert.deepEqual(
      encodePdu(createPdu('enquire_link', { sequenceNumber: 1 })),
      hex('00000010 00000015 00000000 00000001'),
    );
  });

  it('generic_nack echoes the sequence number with its status', () => {
    const pdu = createPdu('generic_nack', { sequenceNumber: 0x2a, commandStatus: S.ESME_RINVCMDID });
    assert.deepEqual(encodePdu(pdu), hex('00000010 80000000 00000003 0000002a'));
  });

  it('bind_transmitter matches the spec layout (the spec example values)', () => {
    const expected = hex(`
      0000002f 00000002 00000000 00000001
      ${ascii('SMPP3TEST')} 00
      ${ascii('secret08')} 00
      ${ascii('SUBMIT1')} 00
      34 01 01
      00`);
    const pdu = createPdu('bind_transmitter', {
      sequenceNumber: 1,
      system_id: 'SMPP3TEST',
      password: 'secret08',
      system_type: 'SUBMIT1',
      interface_version: 0x34,
      addr_ton: 1,
      addr_npi: 1,
    });
    assert.deepEqual(encodePdu(pdu), expected);
    assert.deepEqual(decodePdu(expected), pdu);
  });

  it('submit_sm matches the spec layout, TLV included', () => {
    const expected = hex(`
      00000044 00000004 00000000 00000007
      00
      01 01 ${ascii('447700900123')} 00
      01 01 ${ascii('447700900456')} 00
      00 00 00
      00
      00
      01 00 00 00
      05 ${ascii('Hello')}
      0204 0002 0007`);
    const pdu = createPdu('submit_sm', {
      sequenceNumber: 7,
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900123',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447700900456',
      registered_delivery: 1,
      short_message: Buffer.from('Hello'),
      tlvs: [u16Tlv(TLV_TAGS.user_message_reference, 7)],
    });
    assert.deepEqual(encodePdu(pdu), expected);
    assert.deepEqual(decodePdu(expected), pdu);
  });

  it('decodes and re-encodes a submit_sm captured from a provider byte for byte', () => {
    // OpenMarket's SMPP documentation, "Example submit_sm request and response messages".
    const captured = hex(
      '0000006b00000004000000000005c4a34f4d5634000301383033363200010138313233343530303130303000000000' +
        '003138303130353132303030303030342b0001000000255265706c792059657320746f206f707420696e206f72204e' +
        '6f20746f206f7074206f75742e',
    );
    const pdu = decodePdu(captured);
    assert.equal(pdu.command, 'submit_sm');
    if (pdu.command !== 'submit_sm') return;
    assert.equal(pdu.sequenceNumber, 0x5c4a3);
    assert.equal(pdu.service_type, 'OMV4');
    assert.equal(pdu.source_addr_ton, 3);
    assert.equal(pdu.source_addr, '80362');
    assert.equal(pdu.destination_addr, '812345001000');
    assert.equal(pdu.validity_period, '180105120000004+');
    assert.equal(pdu.registered_delivery, 1);
    assert.equal(pdu.short_message.toString(), 'Reply Yes to opt in or No to opt out.');
    assert.deepEqual(encodePdu(pdu), captured);
  });
});

describe('error responses', () => {
  it('an error response with empty fields is sent as a bare header', () => {
    const pdu = createPdu('submit_sm_resp', { sequenceNumber: 5, commandStatus: S.ESME_RTHROTTLED });
    assert.deepEqual(encodePdu(pdu), hex('00000010 80000004 00000058 00000005'));
  });

  it('a bare response decodes with empty fields, whatever its status', () => {
    for (const status of [S.ESME_RTHROTTLED, S.ESME_ROK]) {
      const decoded = decodePdu(hex(`00000010 80000004 ${status.toString(16).padStart(8, '0')} 00000005`));
      assert.deepEqual(decoded, createPdu('submit_sm_resp', { sequenceNumber: 5, commandStatus: status }));
    }
    const bind = decodePdu(hex('00000010 80000009 0000000e 00000001'));
    assert.deepEqual(bind, createPdu('bind_transceiver_resp', { sequenceNumber: 1, commandStatus: 0x0e }));
  });

  it('an error response that says something keeps its body', () => {
    const pdu = createPdu('submit_sm_resp', { sequenceNumber: 5, commandStatus: 0x45, message_id: 'x1' });
    assert.equal(encodePdu(pdu).length, 16 + 3);
    assert.deepEqual(decodePdu(encodePdu(pdu)), pdu);
  });

  it('an ok response with an empty message_id still carries its NUL', () => {
    assert.deepEqual(
      encodePdu(createPdu('deliver_sm_resp', { sequenceNumber: 9 })),
      hex('00000011 80000005 00000000 00000009 00'),
    );
  });
});

describe('C-Octet String limits on encode', () => {
  function encodeError(pdu: Pdu): SmppEncodeError {
    try {
      encodePdu(pdu);
    } catch (error) {
      assert.ok(error instanceof SmppEncodeError, `expected SmppEncodeError, got ${String(error)}`);
      return error;
    }
    assert.fail('encodePdu accepted the PDU');
  }

  it('accepts a value at the limit and rejects one past it', () => {
    encodePdu(createPdu('bind_transmitter', { system_id: 'x'.repeat(15) }));
    const error = encodeError(createPdu('bind_transmitter', { system_id: 'x'.repeat(16) }));
    assert.equal(error.field, 'system_id');
    assert.match(error.message, /17 octets .* limit is 16/);

    encodePdu(createPdu('submit_sm', { destination_addr: '4'.repeat(20) }));
    assert.equal(
      encodeError(createPdu('submit_sm', { destination_addr: '4'.repeat(21) })).field,
      'destination_addr',
    );
    assert.equal(encodeError(createPdu('bind_receiver', { password: 'p'.repeat(9) })).field, 'password');
  });

  it('allows data_sm its 65-octet addresses', () => {
    encodePdu(createPdu('data_sm', { destination_addr: '4'.repeat(64) }));
    assert.equal(
      encodeError(createPdu('data_sm', { destination_addr: '4'.repeat(65) })).field,
      'destination_addr',
    );
  });

  it('rejects a NUL or a non-Latin-1 character inside a string', () => {
    assert.equal(encodeError(createPdu('submit_sm', { source_addr: 'Ac\0me' })).field, 'source_addr');
    assert.equal(encodeError(createPdu('submit_sm', { source_addr: 'Ω' })).field, 'source_addr');
  });

  it('rejects times that are neither empty nor 16 characters', () => {
    const error = encodeError(createPdu('submit_sm', { validity_period: '2311221530' }));
    assert.equal(error.field, 'validity_period');
  });

  it('rejects out-of-range octets, over-long short_message and TLVs', () => {
    assert.equal(encodeError(createPdu('submit_sm', { esm_class: 256 })).field, 'esm_class');
    assert.equal(
      encodeError(createPdu('submit_sm', { short_message: Buffer.alloc(255) })).field,
      'short_message',
    );
    encodePdu(createPdu('submit_sm', { short_message: Buffer.alloc(254) }));
    const bigTlv = { tag: TLV_TAGS.message_payload, value: Buffer.alloc(0x10000) };
    assert.equal(encodeError(createPdu('submit_sm', { tlvs: [bigTlv] })).field, 'value');
    assert.equal(
      encodeError(createPdu('submit_sm', { tlvs: [{ tag: 0x10000, value: Buffer.alloc(1) }] })).field,
      'tag',
    );
    assert.equal(encodeError(createPdu('enquire_link', { sequenceNumber: -1 })).field, 'sequenceNumber');
  });

  it('checks submit_multi destinations', () => {
    const tooMany = Array.from({ length: 255 }, () => ({ dest_flag: 2 as const, dl_name: 'x' }));
    assert.equal(encodeError(createPdu('submit_multi', { dest_addresses: tooMany })).field, 'dest_addresses');
    const longName = [{ dest_flag: 2 as const, dl_name: 'x'.repeat(21) }];
    assert.equal(encodeError(createPdu('submit_multi', { dest_addresses: longName })).field, 'dl_name');
  });
});

describe('decode errors', () => {
  const bindHeader = '00000002 00000000 0000002a';

  it('a C-string that runs off the end of the body', () => {
    const frame = hex(`00000013 ${bindHeader} ${ascii('abc')}`);
    const error = decodeFailure(frame);
    assert.equal(error.commandStatus, S.ESME_RINVCMDLEN);
    assert.equal(error.closeSession, false);
    assert.equal(error.commandId, 2);
    assert.equal(error.sequenceNumber, 0x2a);
    assert.equal(error.field, 'system_id');
  });

  it('a C-string longer than its limit answers with the field status', () => {
    const longId = decodeFailure(hex(`00000022 ${bindHeader} ${ascii('x'.repeat(17))} 00`));
    assert.equal(longId.commandStatus, S.ESME_RINVSYSID);
    const submit = createPdu('submit_sm', { destination_addr: '447700900456' });
    const frame = encodePdu(submit);
    // Overwrite the destination's NUL (and what follows) with digits: no NUL within 21 octets.
    const start = frame.indexOf('447700900456');
    frame.fill(0x34, start, start + 22);
    assert.equal(decodeFailure(frame).commandStatus, S.ESME_RINVDSTADR);
  });

  it('an unknown command_id asks for generic_nack without closing', () => {
    const error = decodeFailure(hex('00000010 00000099 00000000 00000007'));
    assert.equal(error.commandStatus, S.ESME_RINVCMDID);
    assert.equal(error.closeSession, false);
    assert.equal(error.sequenceNumber, 7);
  });

  it('a command_length that disagrees with the frame closes the session', () => {
    const error = decodeFailure(hex('00000011 00000015 00000000 00000007'));
    assert.equal(error.commandStatus, S.ESME_RINVCMDLEN);
    assert.equal(error.closeSession, true);
    assert.equal(decodeFailure(hex('0000000c 00000015 00000000')).closeSession, true);
  });

  it('bad lengths inside the body', () => {
    const smFrame = encodePdu(createPdu('submit_sm', { short_message: Buffer.from('Hi') }));
    smFrame[smFrame.length - 3] = 3; // sm_length 3, but only 2 octets follow
    assert.equal(decodeFailure(smFrame).commandStatus, S.ESME_RINVMSGLEN);

    const withTlv = encodePdu(
      createPdu('enquire_link', { tlvs: [{ tag: 0x1401, value: Buffer.from('ab') }] }),
    );
    withTlv.writeUInt16BE(3, 18); // the TLV claims 3 octets, 2 follow
    assert.equal(decodeFailure(withTlv).commandStatus, S.ESME_RINVPARLEN);

    const stray = hex('00000012 00000015 00000000 00000001 0102');
    assert.equal(decodeFailure(stray).commandStatus, S.ESME_RINVOPTPARSTREAM);
  });

  it('a body cut short between fields', () => {
    const frame = encodePdu(createPdu('submit_sm', { source_addr: 'Acme', destination_addr: '4477' }));
    const cut = Buffer.from(frame.subarray(0, 32));
    cut.writeUInt32BE(cut.length, 0);
    assert.equal(decodeFailure(cut).commandStatus, S.ESME_RINVCMDLEN);
  });

  it('an invalid submit_multi dest_flag', () => {
    const frame = encodePdu(
      createPdu('submit_multi', { dest_addresses: [{ dest_flag: 2, dl_name: 'staff' }] }),
    );
    // Header, then service_type NUL, ton, npi, source_addr NUL, number_of_dests: dest_flag is at 21.
    frame[21] = 7;
    assert.equal(decodeFailure(frame).commandStatus, S.ESME_RINVDESTFLAG);
  });
});
