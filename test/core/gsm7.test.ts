import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeGsm7,
  encodeGsm7,
  gsm7CodeUnitLength,
  gsm7Length,
  isGsm7Char,
  packSeptets,
  unpackSeptets,
} from '../../src/core/gsm7.js';
import { prng } from '../helpers/prng.js';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

// 3GPP TS 23.038 §6.2.1, spelled as code points (independent of the table in src); -1 marks the escape.
const BASIC_CODE_POINTS = [
  ...[0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5],
  ...[0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, -1, 0xc6, 0xe6, 0xdf, 0xc9],
  ...range(0x20, 0x23),
  0xa4,
  ...range(0x25, 0x3f),
  0xa1,
  ...range(0x41, 0x5a),
  ...[0xc4, 0xd6, 0xd1, 0xdc, 0xa7],
  0xbf,
  ...range(0x61, 0x7a),
  ...[0xe4, 0xf6, 0xf1, 0xfc, 0xe0],
];

const BASIC: Array<[number, string]> = BASIC_CODE_POINTS.flatMap(
  (cp, code): Array<[number, string]> => (cp < 0 ? [] : [[code, String.fromCodePoint(cp)]]),
);

const EXTENSION: Array<[number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

/** Bytes read as one little-endian bit string, the order GSM packing fills them in. */
function toBigIntLE(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

describe('GSM 7-bit alphabet', () => {
  it('has 128 septets in the table under test, one being the escape', () => {
    assert.equal(BASIC_CODE_POINTS.length, 128);
    assert.equal(BASIC_CODE_POINTS[0x1b], -1);
  });

  it('round-trips every default-alphabet character as one septet', () => {
    for (const [code, ch] of BASIC) {
      assert.equal(isGsm7Char(ch), true, ch);
      assert.equal(gsm7Length(ch), 1, ch);
      assert.equal(gsm7CodeUnitLength(ch.charCodeAt(0)), 1, ch);
      assert.deepEqual([...encodeGsm7(ch)], [code], ch);
      assert.equal(decodeGsm7(Uint8Array.of(code)), ch, `0x${code.toString(16)}`);
    }
  });

  it('round-trips every extension character as ESC + code', () => {
    for (const [code, ch] of EXTENSION) {
      assert.equal(isGsm7Char(ch), true, ch);
      assert.equal(gsm7Length(ch), 2, ch);
      assert.equal(gsm7CodeUnitLength(ch.charCodeAt(0)), 2, ch);
      assert.deepEqual([...encodeGsm7(ch)], [0x1b, code], ch);
      assert.equal(decodeGsm7(Uint8Array.of(0x1b, code)), ch, `ESC 0x${code.toString(16)}`);
    }
  });

  it('round-trips the whole alphabet as one string', () => {
    const text = [...BASIC, ...EXTENSION].map(([, ch]) => ch).join('');
    const septets = encodeGsm7(text);
    assert.equal(septets.length, BASIC.length + 2 * EXTENSION.length);
    assert.equal(gsm7Length(text), septets.length);
    assert.equal(decodeGsm7(septets), text);
  });

  it('knows exactly 137 UTF-16 code units', () => {
    let count = 0;
    for (let unit = 0; unit <= 0xffff; unit++) if (isGsm7Char(String.fromCharCode(unit))) count++;
    assert.equal(count, 127 + 10);
  });

  it('rejects characters outside the alphabet', () => {
    for (const ch of ['ê', 'ç', '`', '\x1b', '\u00a0', '😀', '\ud83d', '\u2126']) {
      assert.equal(isGsm7Char(ch), false, ch);
      assert.throws(() => encodeGsm7(`ab${ch}`), RangeError, ch);
      assert.throws(() => gsm7Length(`ab${ch}`), RangeError, ch);
    }
    assert.equal(isGsm7Char(''), false);
    assert.equal(isGsm7Char('ab'), false);
    assert.throws(() => encodeGsm7('crêpe'), /"ê" \(U\+00EA\) at index 2/);
  });

  it('decodes an escape to an undefined extension code as the default-alphabet character', () => {
    assert.equal(decodeGsm7(Uint8Array.of(0x1b, 0x41)), 'A');
    assert.equal(decodeGsm7(Uint8Array.of(0x1b, 0x00, 0x61)), '@a');
    assert.equal(decodeGsm7(Uint8Array.of(0x1b, 0x0d)), '\r');
  });

  it('decodes ESC ESC and a trailing lone ESC as a space', () => {
    assert.equal(decodeGsm7(Uint8Array.of(0x1b, 0x1b, 0x41)), ' A');
    assert.equal(decodeGsm7(Uint8Array.of(0x41, 0x1b)), 'A ');
    assert.equal(decodeGsm7(Uint8Array.of(0x1b)), ' ');
    assert.equal(decodeGsm7(new Uint8Array(0)), '');
  });

  it('rejects bytes above 0x7F when decoding', () => {
    assert.throws(() => decodeGsm7(Uint8Array.of(0x41, 0x80)), RangeError);
    assert.throws(() => decodeGsm7(Uint8Array.of(0x1b, 0xe5)), RangeError);
  });
});

describe('septet packing', () => {
  it('packs "hellohello" to the known vector', () => {
    const packed = packSeptets(encodeGsm7('hellohello'));
    assert.equal(packed.toString('hex'), 'e8329bfd4697d9ec37');
    assert.equal(decodeGsm7(unpackSeptets(packed, 10)), 'hellohello');
  });

  it('round-trips lengths 0..200 with 0..6 fill bits', () => {
    const random = prng(0x5eed);
    for (let length = 0; length <= 200; length++) {
      const septets = Uint8Array.from({ length }, () => Math.floor(random() * 128));
      const unpadded = toBigIntLE(packSeptets(septets));
      for (let padding = 0; padding <= 6; padding++) {
        const packed = packSeptets(septets, padding);
        assert.equal(
          packed.length,
          Math.ceil((padding + 7 * length) / 8),
          `length ${length} padding ${padding}`,
        );
        // Fill bits are zeros below the first septet: the same bit string shifted up.
        assert.equal(toBigIntLE(packed), unpadded << BigInt(padding), `length ${length} padding ${padding}`);
        assert.deepEqual(unpackSeptets(packed, length, padding), Buffer.from(septets));
      }
    }
  });

  it('ignores whatever the fill bits hold when unpacking', () => {
    const packed = packSeptets(encodeGsm7('hello'), 3);
    packed[0] = packed[0]! | 0b111;
    assert.equal(decodeGsm7(unpackSeptets(packed, 5, 3)), 'hello');
  });

  it('rejects bad padding, non-septet values and short input', () => {
    for (const padding of [-1, 7, 8, 1.5, Number.NaN]) {
      assert.throws(() => packSeptets(Uint8Array.of(1), padding), RangeError, String(padding));
      assert.throws(() => unpackSeptets(Uint8Array.of(1), 1, padding), RangeError, String(padding));
    }
    assert.throws(() => packSeptets(Uint8Array.of(0x41, 0x80)), RangeError);
    assert.throws(() => unpackSeptets(Uint8Array.of(0xe8, 0x32), 3), RangeError);
    assert.throws(() => unpackSeptets(Uint8Array.of(0xe8), 1, 2), RangeError);
    assert.throws(() => unpackSeptets(Uint8Array.of(0xe8), -1), RangeError);
    assert.deepEqual(unpackSeptets(Uint8Array.of(0xe8), 1, 1), Buffer.of(0x74));
  });
});
