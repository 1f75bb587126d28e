import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readDeliver } from '../../src/connectors/smpp/deliver-reader.js';
import { encodeSegments } from '../../src/connectors/smpp/segment-encoder.js';
import { ThroughputLimiter } from '../../src/connectors/smpp/throughput-limiter.js';
import { normalizeUpstreamId } from '../../src/connectors/smpp/upstream-id.js';
import { decodeGsm7, unpackSeptets } from '../../src/core/gsm7.js';
import { formatDeliveryReceipt } from '../../src/smpp/delivery-receipt.js';
import { createPdu } from '../../src/smpp/pdu.js';
import { TLV_TAGS } from '../../src/smpp/tlv-tags.js';
import { cStringTlv, u8Tlv } from '../../src/smpp/tlv-values.js';
import { buildConcatUdh, parseUdh } from '../../src/smpp/udh.js';

const base = { gsmDataCoding: 0, gsmPacked: false, latin1: false } as const;

describe('SMPP segment encoder', () => {
  it('sends a short GSM text as one unpacked submit with data_coding 0', () => {
    const [only, ...rest] = encodeSegments('Hello €', 'gsm7', { ...base, longMessages: 'udh8' }, 7);
    assert.equal(rest.length, 0);
    assert.equal(only!.data_coding, 0);
    assert.equal(only!.esm_class, 0);
    assert.equal(decodeGsm7(only!.short_message), 'Hello €');
    assert.equal(only!.short_message.length, 8, 'the euro sign takes an escape and a septet');
  });

  it('splits a 400-character GSM text into three UDH parts (8-bit reference) that join back', () => {
    const text = 'abcdefghij'.repeat(40);
    const parts = encodeSegments(text, 'gsm7', { ...base, longMessages: 'udh8' }, 0x1a2);
    assert.equal(parts.length, 3);
    let joined = '';
    parts.forEach((part, index) => {
      assert.equal(part.esm_class & 0x40, 0x40);
      const udh = parseUdh(part.short_message)!;
      assert.deepEqual(udh.concat, { reference: 0xa2, total: 3, seqnum: index + 1 });
      const body = part.short_message.subarray(udh.headerLength);
      assert.ok(body.length <= 153);
      joined += decodeGsm7(body);
    });
    assert.equal(joined, text);
  });

  it('uses a 16-bit reference and one septet less per part with udh16', () => {
    const text = 'x'.repeat(306);
    const parts = encodeSegments(text, 'gsm7', { ...base, longMessages: 'udh16' }, 0x1a2b);
    assert.equal(parts.length, 3, '306 septets need three parts of at most 152');
    const udh = parseUdh(parts[0]!.short_message)!;
    assert.equal(udh.headerLength, 7);
    assert.deepEqual(udh.concat, { reference: 0x1a2b, total: 3, seqnum: 1 });
  });

  it('sends UCS-2 as UTF-16BE with emoji whole, and SAR TLVs when asked', () => {
    const text = '😀'.repeat(40);
    const parts = encodeSegments(text, 'ucs2', { ...base, longMessages: 'sar' }, 0x0102);
    assert.equal(parts.length, 2);
    let joined = '';
    parts.forEach((part, index) => {
      assert.equal(part.data_coding, 8);
      assert.equal(part.esm_class, 0);
      const tags = Object.fromEntries(part.tlvs.map((t) => [t.tag, t.value]));
      assert.equal(tags[TLV_TAGS.sar_msg_ref_num]!.readUInt16BE(0), 0x0102);
      assert.equal(tags[TLV_TAGS.sar_total_segments]![0], 2);
      assert.equal(tags[TLV_TAGS.sar_segment_seqnum]![0], index + 1);
      joined += Buffer.from(part.short_message).swap16().toString('utf16le');
    });
    assert.equal(joined, text);
  });

  it('puts a long text in one message_payload with payload mode', () => {
    const text = 'y'.repeat(500);
    const parts = encodeSegments(text, 'gsm7', { ...base, longMessages: 'payload' }, 1);
    assert.equal(parts.length, 1);
    assert.equal(parts[0]!.short_message.length, 0);
    assert.equal(parts[0]!.tlvs[0]!.tag, TLV_TAGS.message_payload);
    assert.equal(decodeGsm7(parts[0]!.tlvs[0]!.value), text);
  });

  it('packs septets after the header with fill bits when gsmPacked', () => {
    const text = 'hello world '.repeat(20);
    const parts = encodeSegments(text, 'gsm7', { ...base, gsmPacked: true, longMessages: 'udh8' }, 5);
    let joined = '';
    for (const part of parts) {
      const udh = parseUdh(part.short_message)!;
      const body = part.short_message.subarray(udh.headerLength);
      // 6 header octets = 48 bits: one fill bit brings the text to a septet boundary (49 bits).
      const septets = Math.floor((body.length * 8 - 1) / 7);
      joined += decodeGsm7(unpackSeptets(body, septets, 1));
    }
    assert.equal(joined.slice(0, text.length), text);
  });

  it('uses Latin-1 (data_coding 3) for non-GSM text that fits it, when enabled', () => {
    const [part] = encodeSegments('ê ô', 'ucs2', { ...base, latin1: true, longMessages: 'udh8' }, 1);
    assert.equal(part!.data_coding, 3);
    assert.equal(part!.short_message.toString('latin1'), 'ê ô');
  });
});

describe('upstream id normalisation', () => {
  it('matches hex submit ids with decimal receipt ids', () => {
    assert.equal(normalizeUpstreamId('0000A1F2', 'hex'), normalizeUpstreamId('41458', 'decimal'));
  });
  it('drops leading zeros and case for text ids, keeping non-numeric ids intact', () => {
    assert.equal(normalizeUpstreamId(' 00AbC ', 'text'), 'abc');
    assert.equal(normalizeUpstreamId('0', 'text'), '0');
    assert.equal(normalizeUpstreamId('a1b2-c3', 'decimal'), 'a1b2-c3');
  });
});

describe('deliver_sm reader', () => {
  it('reads a receipt from its TLVs, preferring them to the text', () => {
    const pdu = createPdu('deliver_sm', {
      esm_class: 0x04,
      short_message: Buffer.from(
        formatDeliveryReceipt({
          id: '999',
          stat: 'UNDELIV',
          err: '001',
          submitDate: new Date(),
          doneDate: new Date(),
        }),
      ),
      tlvs: [cStringTlv(TLV_TAGS.receipted_message_id, 'ABC123'), u8Tlv(TLV_TAGS.message_state, 2)],
    });
    const read = readDeliver(pdu, false);
    assert.deepEqual(read, {
      kind: 'receipt',
      id: 'ABC123',
      state: 'delivered',
      rawCode: 'stat:DELIVRD err:001',
    });
  });

  it('reads a receipt from its text alone', () => {
    const pdu = createPdu('deliver_sm', {
      esm_class: 0x04,
      short_message: Buffer.from(
        'id:0123 sub:001 dlvrd:000 submit date:2311221530 done date:2311221531 stat:EXPIRED err:000 text:hi',
      ),
    });
    assert.deepEqual(readDeliver(pdu, false), {
      kind: 'receipt',
      id: '0123',
      state: 'expired',
      rawCode: 'stat:EXPIRED err:000',
    });
  });

  it('reads an inbound UCS-2 part with its concatenation header', () => {
    const udh = buildConcatUdh({ reference: 9, total: 2, seqnum: 1, refBits: 8 });
    const pdu = createPdu('deliver_sm', {
      source_addr_ton: 1,
      source_addr: '447911123456',
      destination_addr: '12345',
      esm_class: 0x40,
      data_coding: 8,
      short_message: Buffer.concat([udh, Buffer.from('Grüße 😀', 'utf16le').swap16()]),
    });
    assert.deepEqual(readDeliver(pdu, false), {
      kind: 'inbound',
      from: '+447911123456',
      to: '12345',
      text: 'Grüße 😀',
      concat: { reference: 9, total: 2, seqnum: 1 },
    });
  });
});

describe('throughput limiter', () => {
  it('lets perSecond submissions through per second and pauses after throttling', () => {
    const limiter = new ThroughputLimiter(2);
    const t = Date.now();
    assert.equal(limiter.tryTake(t), true);
    assert.equal(limiter.tryTake(t), true);
    assert.equal(limiter.tryTake(t), false);
    assert.ok(limiter.waitMs(t) > 0);
    assert.equal(limiter.tryTake(t + 600), true);
    limiter.throttled(t + 600, t + 600);
    assert.equal(limiter.tryTake(t + 1000), false);
    assert.equal(limiter.tryTake(t + 1700), true);
    // Throttling of a submission sent before that pause ended is the same episode: no longer pause.
    limiter.throttled(t + 1500, t + 1700);
    assert.equal(limiter.tryTake(t + 1701), true);
    // Throttled again after the pause: the pause doubles (2 s), then a success resets it to 1 s.
    limiter.throttled(t + 1701, t + 1800);
    assert.equal(limiter.tryTake(t + 3700), false);
    assert.equal(limiter.tryTake(t + 3800), true);
    limiter.succeeded();
    limiter.throttled(t + 3900, t + 3900);
    assert.equal(limiter.tryTake(t + 4800), false);
    assert.equal(limiter.tryTake(t + 4900), true);
    const unlimited = new ThroughputLimiter(0);
    for (let i = 0; i < 1000; i++) assert.equal(unlimited.tryTake(t), true);
  });
});
