import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMMAND_IDS,
  COMMAND_NAMES,
  commandNameOf,
  isCommandName,
  isResponse,
  responseIdOf,
  responseNameOf,
} from '../../src/smpp/command-ids.js';
import { COMMAND_STATUS, isRetryableStatus, statusName } from '../../src/smpp/command-status.js';
import { createPdu } from '../../src/smpp/pdu.js';
import { TLV_TAGS, tlvTagName } from '../../src/smpp/tlv-tags.js';
import {
  cStringTlv,
  getTlv,
  messageState,
  networkErrorCode,
  networkErrorCodeTlv,
  readCStringTlv,
  receiptedMessageId,
  sarInfo,
  scInterfaceVersion,
  u8Tlv,
  u16Tlv,
  userMessageReference,
} from '../../src/smpp/tlv-values.js';

describe('command ids', () => {
  it('pairs every request with its response id', () => {
    for (const name of COMMAND_NAMES) {
      assert.equal(commandNameOf(COMMAND_IDS[name]), name);
      const response = responseNameOf(name);
      if (response !== undefined) assert.equal(COMMAND_IDS[response], responseIdOf(COMMAND_IDS[name]));
    }
    assert.equal(responseIdOf(COMMAND_IDS.submit_sm), 0x80000004);
    assert.equal(responseNameOf('submit_sm'), 'submit_sm_resp');
    assert.equal(responseNameOf('outbind'), undefined);
    assert.equal(responseNameOf('alert_notification'), undefined);
    assert.equal(responseNameOf('submit_sm_resp'), undefined);
  });

  it('tells requests from responses', () => {
    assert.equal(isResponse('generic_nack'), true);
    assert.equal(isResponse(0x80000009), true);
    assert.equal(isResponse('bind_transceiver'), false);
    assert.equal(isResponse(COMMAND_IDS.data_sm), false);
    assert.equal(COMMAND_NAMES.filter((name) => isResponse(name)).length, 13);
  });

  it('knows nothing else', () => {
    assert.equal(commandNameOf(0x0a), undefined);
    assert.equal(commandNameOf(0x111), undefined);
    assert.equal(isCommandName('broadcast_sm'), false);
    assert.equal(isCommandName('toString'), false);
  });
});

describe('command status', () => {
  it('names codes, and prints unknown ones in hex', () => {
    assert.equal(statusName(0), 'ESME_ROK');
    assert.equal(statusName(0x58), 'ESME_RTHROTTLED');
    assert.equal(statusName(0xc4), 'ESME_RINVOPTPARAMVAL');
    assert.equal(statusName(0x400), '0x00000400');
    assert.equal(statusName(0x09), '0x00000009');
  });

  it('retries exactly the transient statuses', () => {
    const retryable = (Object.keys(COMMAND_STATUS) as Array<keyof typeof COMMAND_STATUS>)
      .filter((name) => isRetryableStatus(COMMAND_STATUS[name]))
      .sort();
    assert.deepEqual(retryable, [
      'ESME_RDELIVERYFAILURE',
      'ESME_RINVBNDSTS',
      'ESME_RMSGQFUL',
      'ESME_RSUBMITFAIL',
      'ESME_RSYSERR',
      'ESME_RTHROTTLED',
      'ESME_RUNKNOWNERR',
      'ESME_RX_T_APPN',
    ]);
    assert.equal(isRetryableStatus(0x400), false);
  });
});

describe('TLV tags and values', () => {
  it('names tags, and prints unknown ones in hex', () => {
    assert.equal(tlvTagName(0x0424), 'message_payload');
    assert.equal(tlvTagName(0x020b), 'destination_port');
    assert.equal(tlvTagName(0x1401), '0x1401');
  });

  it('reads the TLVs a gateway uses', () => {
    const pdu = createPdu('deliver_sm', {
      tlvs: [
        cStringTlv(TLV_TAGS.receipted_message_id, 'abc-123'),
        u8Tlv(TLV_TAGS.message_state, 5),
        networkErrorCodeTlv(3, 0x0110),
        u16Tlv(TLV_TAGS.user_message_reference, 65535),
        u16Tlv(TLV_TAGS.sar_msg_ref_num, 0xbeef),
        u8Tlv(TLV_TAGS.sar_total_segments, 3),
        u8Tlv(TLV_TAGS.sar_segment_seqnum, 2),
        u8Tlv(TLV_TAGS.message_state, 2),
      ],
    });
    assert.equal(receiptedMessageId(pdu), 'abc-123');
    assert.equal(messageState(pdu), 5, 'the first of two TLVs with one tag wins');
    assert.deepEqual(networkErrorCode(pdu), { networkType: 3, errorCode: 0x0110 });
    assert.equal(userMessageReference(pdu), 65535);
    assert.deepEqual(sarInfo(pdu), { reference: 0xbeef, total: 3, seqnum: 2 });
    assert.equal(scInterfaceVersion(pdu), undefined);
    assert.equal(getTlv(pdu, TLV_TAGS.message_payload), undefined);
  });

  it('returns undefined for TLVs of the wrong length, and reads C-strings without a NUL', () => {
    const pdu = createPdu('deliver_sm', {
      tlvs: [
        { tag: TLV_TAGS.message_state, value: Buffer.from([0, 2]) },
        { tag: TLV_TAGS.user_message_reference, value: Buffer.from([7]) },
        { tag: TLV_TAGS.network_error_code, value: Buffer.from([3, 0]) },
        { tag: TLV_TAGS.receipted_message_id, value: Buffer.from('no-nul') },
        { tag: TLV_TAGS.sar_msg_ref_num, value: Buffer.from([1, 2]) },
      ],
    });
    assert.equal(messageState(pdu), undefined);
    assert.equal(userMessageReference(pdu), undefined);
    assert.equal(networkErrorCode(pdu), undefined);
    assert.equal(receiptedMessageId(pdu), 'no-nul');
    assert.equal(sarInfo(pdu), undefined, 'the trio is incomplete');
    assert.equal(readCStringTlv(pdu, 0x9999), undefined);
  });

  it('builders check their ranges', () => {
    assert.deepEqual(u16Tlv(0x0204, 0x0102).value, Buffer.from([1, 2]));
    assert.deepEqual(cStringTlv(0x001e, 'ab').value, Buffer.from([0x61, 0x62, 0]));
    assert.throws(() => u8Tlv(0x0427, 256), RangeError);
    assert.throws(() => u16Tlv(0x0204, -1), RangeError);
    assert.throws(() => networkErrorCodeTlv(3, 0x10000), RangeError);
  });
});
