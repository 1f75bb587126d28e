import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATA_CODING, ESM_CLASS, isDeliveryReceipt, REGISTERED_DELIVERY } from '../../src/smpp/pdu-flags.js';
import { buildConcatUdh, parseUdh } from '../../src/smpp/udh.js';

describe('concatenation UDH', () => {
  it('builds the 8-bit reference form', () => {
    assert.deepEqual(
      buildConcatUdh({ reference: 0xa7, total: 3, seqnum: 2, refBits: 8 }),
      Buffer.from('050003a70302', 'hex'),
    );
  });

  it('builds the 16-bit reference form', () => {
    assert.deepEqual(
      buildConcatUdh({ reference: 0x1234, total: 3, seqnum: 3, refBits: 16 }),
      Buffer.from('0608041234 0303'.replace(' ', ''), 'hex'),
    );
  });

  it('parses both forms in front of the text', () => {
    for (const refBits of [8, 16] as const) {
      const concat = { reference: refBits === 8 ? 200 : 54321, total: 4, seqnum: 4 };
      const udh = buildConcatUdh({ ...concat, refBits });
      const parsed = parseUdh(Buffer.concat([udh, Buffer.from('text')]));
      assert.deepEqual(parsed?.concat, concat);
      assert.equal(parsed?.headerLength, udh.length);
      assert.equal(parsed?.elements.length, 1);
    }
  });

  it('finds concatenation among other elements', () => {
    // Application port addressing (IEI 0x05) then the concatenation element.
    const sm = Buffer.from('0b05040b8423f00003070201' + 'deadbeef', 'hex');
    const parsed = parseUdh(sm);
    assert.equal(parsed?.headerLength, 12);
    assert.deepEqual(parsed?.concat, { reference: 7, total: 2, seqnum: 1 });
    assert.deepEqual(
      parsed?.elements.map((e) => e.iei),
      [0x05, 0x00],
    );
    assert.deepEqual(parsed?.elements[0]?.data, Buffer.from('0b8423f0', 'hex'));
  });

  it('returns a header without concat for a header without it, or with an invalid one', () => {
    const shiftOnly = parseUdh(Buffer.from('032501014869', 'hex'));
    assert.equal(shiftOnly?.headerLength, 4);
    assert.equal(shiftOnly?.concat, undefined);
    for (const ie of ['00030a0000', '00030a0200', '00030a0203']) {
      const parsed = parseUdh(Buffer.from(`05${ie}`, 'hex'));
      assert.equal(parsed?.headerLength, 6, ie);
      assert.equal(parsed?.concat, undefined, ie);
    }
  });

  it('returns undefined for malformed headers and never throws', () => {
    const malformed = [
      '',
      '05',
      '0500030a02',
      '0300050102',
      '0600040a020100',
      '060803123402',
      '01ff',
      '0200ff',
    ];
    for (const hex of malformed) {
      assert.equal(parseUdh(Buffer.from(hex, 'hex')), undefined, hex);
    }
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 12 }, (_, j) => (i * 31 + j * 17) & 0xff));
      parseUdh(bytes);
    }
  });

  it('rejects out-of-range arguments when building', () => {
    assert.throws(() => buildConcatUdh({ reference: 256, total: 2, seqnum: 1, refBits: 8 }), RangeError);
    assert.throws(() => buildConcatUdh({ reference: 65536, total: 2, seqnum: 1, refBits: 16 }), RangeError);
    assert.throws(() => buildConcatUdh({ reference: 1, total: 0, seqnum: 1, refBits: 8 }), RangeError);
    assert.throws(() => buildConcatUdh({ reference: 1, total: 2, seqnum: 3, refBits: 8 }), RangeError);
    assert.throws(() => buildConcatUdh({ reference: 1, total: 256, seqnum: 1, refBits: 8 }), RangeError);
  });
});

describe('PDU flag constants', () => {
  it('match the spec', () => {
    assert.equal(ESM_CLASS.UDHI, 0x40);
    assert.equal(ESM_CLASS.TYPE_MASK, 0x3c);
    assert.equal(ESM_CLASS.SMSC_DELIVERY_RECEIPT, 0x04);
    assert.equal(REGISTERED_DELIVERY.RECEIPT_ON_FINAL, 0x01);
    assert.deepEqual(
      [DATA_CODING.DEFAULT, DATA_CODING.IA5, DATA_CODING.LATIN1, DATA_CODING.UCS2],
      [0, 1, 3, 8],
    );
  });

  it('recognises a receipt by its message type bits only', () => {
    assert.equal(isDeliveryReceipt(0x04), true);
    assert.equal(isDeliveryReceipt(0x04 | ESM_CLASS.UDHI | ESM_CLASS.MODE_STORE_AND_FORWARD), true);
    assert.equal(isDeliveryReceipt(0x00), false);
    assert.equal(isDeliveryReceipt(ESM_CLASS.INTERMEDIATE_NOTIFICATION), false);
    assert.equal(isDeliveryReceipt(0x08), false);
  });
});
