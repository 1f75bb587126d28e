import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_IDS, COMMAND_NAMES } from '../../src/smpp/command-ids.js';
import { COMMAND_STATUS as S } from '../../src/smpp/command-status.js';
import { createPdu, type Pdu } from '../../src/smpp/pdu.js';
import { decodePdu, encodePdu } from '../../src/smpp/pdu-codec.js';
import { PduFramer } from '../../src/smpp/pdu-framer.js';
import { FramingError, PduDecodeError, SmppEncodeError } from '../../src/smpp/smpp-errors.js';
import { prng, randomBytes, randomInt, samplePdus } from './pdu-samples.js';

const valid = samplePdus().map((pdu) => encodePdu(pdu));

function withLength(frame: Buffer): Buffer {
  if (frame.length >= 4) frame.writeUInt32BE(frame.length, 0);
  return frame;
}

/** One malformed (or occasionally valid) frame, by one of several strategies. */
function mutant(random: () => number): Buffer {
  const base = valid[randomInt(random, 0, valid.length - 1)]!;
  const fixLength = random() < 0.85;
  switch (randomInt(random, 0, 4)) {
    case 0:
      return randomBytes(random, randomInt(random, 0, 64));
    case 1: {
      // A plausible header (known command, right length) over a random body.
      const frame = randomBytes(random, 16 + randomInt(random, 0, 200));
      const name = COMMAND_NAMES[randomInt(random, 0, COMMAND_NAMES.length - 1)]!;
      frame.writeUInt32BE(COMMAND_IDS[name], 4);
      return withLength(frame);
    }
    case 2: {
      const frame = Buffer.from(base.subarray(0, randomInt(random, 0, base.length)));
      return fixLength ? withLength(frame) : frame;
    }
    case 3: {
      const frame = Buffer.from(base);
      for (let flips = randomInt(random, 1, 4); flips > 0; flips--) {
        const bit = randomInt(random, 0, frame.length * 8 - 1);
        frame[bit >> 3] = frame[bit >> 3]! ^ (1 << (bit & 7));
      }
      return fixLength ? withLength(frame) : frame;
    }
    default: {
      const frame = Buffer.concat([base, randomBytes(random, randomInt(random, 1, 12))]);
      return fixLength ? withLength(frame) : frame;
    }
  }
}

describe('decoder fuzz', () => {
  it('throws nothing but PduDecodeError on 20,000 random, truncated and bit-flipped frames', () => {
    const random = prng(0x5eed);
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 20_000; i++) {
      const frame = mutant(random);
      let pdu: Pdu;
      try {
        pdu = decodePdu(frame);
      } catch (error) {
        assert.ok(error instanceof PduDecodeError, `case ${i} (${frame.toString('hex')}): ${String(error)}`);
        rejected++;
        continue;
      }
      decoded++;
      // Whatever decodes either re-encodes to something that decodes the same, or is refused cleanly.
      try {
        assert.deepEqual(decodePdu(encodePdu(pdu)), pdu, `case ${i}`);
      } catch (error) {
        assert.ok(error instanceof SmppEncodeError, `case ${i} (${frame.toString('hex')}): ${String(error)}`);
      }
    }
    // Both paths were exercised, not just the header check.
    assert.ok(decoded > 2_000, `only ${decoded} frames decoded`);
    assert.ok(rejected > 2_000, `only ${rejected} frames rejected`);
  });
});

/** A random valid PDU: one of the samples with a new sequence number and, for submit_sm, new content. */
function randomPdu(random: () => number): Pdu {
  const sample = samplePdus()[randomInt(random, 0, valid.length - 1)]!;
  const sequenceNumber = randomInt(random, 1, 0x7fffffff);
  if (random() < 0.5) return { ...sample, sequenceNumber };
  return createPdu('submit_sm', {
    sequenceNumber,
    destination_addr: String(randomInt(random, 1e9, 1e12)),
    short_message: randomBytes(random, randomInt(random, 0, 254)),
    tlvs: random() < 0.3 ? [{ tag: 0x0424, value: randomBytes(random, randomInt(random, 0, 3000)) }] : [],
  });
}

function drain(framer: PduFramer, into: Buffer[]): void {
  for (const frame of framer.frames()) into.push(frame);
}

describe('PduFramer', () => {
  it('yields exactly 1,000 PDUs, in order, from random chunk splits', () => {
    const random = prng(1000);
    const pdus = Array.from({ length: 1000 }, () => randomPdu(random));
    const frames = pdus.map((pdu) => encodePdu(pdu));
    const stream = Buffer.concat(frames);
    const framer = new PduFramer();
    const out: Buffer[] = [];
    for (let offset = 0; offset < stream.length; ) {
      const pick = random();
      const maxChunk = pick < 0.2 ? 1 : pick < 0.5 ? 20 : pick < 0.8 ? 500 : 5000;
      const end = Math.min(stream.length, offset + randomInt(random, 1, maxChunk));
      framer.push(stream.subarray(offset, end));
      drain(framer, out);
      offset = end;
    }
    assert.equal(out.length, 1000);
    assert.equal(framer.bufferedBytes, 0);
    for (let i = 0; i < 1000; i++) {
      assert.ok(out[i]!.equals(frames[i]!), `frame ${i}`);
      assert.deepEqual(decodePdu(out[i]!), pdus[i], `pdu ${i}`);
    }
  });

  it('survives one byte at a time', () => {
    const stream = Buffer.concat(valid);
    const framer = new PduFramer();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      framer.push(stream.subarray(i, i + 1));
      drain(framer, out);
    }
    assert.deepEqual(out, valid);
  });

  it('returns frames inside one chunk as views, without copying', () => {
    const chunk = Buffer.concat(valid);
    const framer = new PduFramer();
    framer.push(chunk);
    const out: Buffer[] = [];
    drain(framer, out);
    assert.equal(out.length, valid.length);
    let offset = 0;
    for (const frame of out) {
      assert.equal(frame.buffer, chunk.buffer);
      assert.equal(frame.byteOffset, chunk.byteOffset + offset);
      offset += frame.length;
    }
  });

  for (const badLength of [0, 15, 2 ** 31, 0xffffffff, 64 * 1024 + 1]) {
    it(`reports command_length ${badLength} as a framing error and stops`, () => {
      const bad = Buffer.alloc(16);
      bad.writeUInt32BE(badLength, 0);
      bad.writeUInt32BE(0x15, 4);
      const framer = new PduFramer();
      framer.push(Buffer.concat([valid[1]!, valid[2]!, bad.subarray(0, 2)]));
      assert.deepEqual(framer.next(), valid[1]);
      assert.deepEqual(framer.next(), valid[2]);
      assert.equal(framer.next(), undefined, 'two octets of a length are not enough to judge it');
      framer.push(Buffer.concat([bad.subarray(2), valid[3]!]));
      assert.throws(() => framer.next(), FramingError);
      assert.equal(framer.error?.commandLength, badLength);
      assert.ok(framer.error instanceof PduDecodeError);
      assert.equal(framer.error.commandStatus, S.ESME_RINVCMDLEN);
      assert.equal(framer.error.closeSession, true);
      framer.push(valid[4]!);
      assert.throws(() => framer.next(), FramingError);
      assert.equal(framer.bufferedBytes, 0);
    });
  }

  it('honours a custom maxPduLength', () => {
    const framer = new PduFramer({ maxPduLength: 100 });
    const big = encodePdu(createPdu('submit_sm', { short_message: Buffer.alloc(200) }));
    framer.push(big);
    assert.throws(() => framer.next(), FramingError);
    assert.throws(() => new PduFramer({ maxPduLength: 15 }), RangeError);
  });
});
