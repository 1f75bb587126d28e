import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SegmentedMessage } from 'sms-segments-calculator';
import { gsm7Length } from '../../src/core/gsm7.js';
import {
  analyzeText,
  decodeText,
  ENCODINGS,
  type Encoding,
  encodeText,
  isEncoding,
  splitSegments,
} from '../../src/core/text-encoding.js';
import { prng } from '../helpers/prng.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unitsOf(segment: string, encoding: Encoding): number {
  return encoding === 'gsm7' ? gsm7Length(segment) : segment.length;
}

/** The reference package's encoding names. */
const REFERENCE_ENCODING: Record<Encoding, string> = { gsm7: 'GSM-7', ucs2: 'UCS-2' };

describe('encoding names', () => {
  it('lists gsm7 and ucs2 and recognizes only those', () => {
    assert.deepEqual([...ENCODINGS], ['gsm7', 'ucs2']);
    assert.equal(isEncoding('gsm7'), true);
    assert.equal(isEncoding('ucs2'), true);
    for (const v of ['GSM-7', 'UCS-2', 'utf8', '', undefined, null, 0, ['gsm7']]) {
      assert.equal(isEncoding(v), false, String(v));
    }
  });
});

describe('analyzeText', () => {
  it('treats empty text as one empty gsm7 segment', () => {
    assert.deepEqual(analyzeText(''), {
      encoding: 'gsm7',
      characters: 0,
      units: 0,
      segments: 1,
      perSegment: 160,
      remainingInSegment: 160,
      nonGsmCharacters: [],
    });
    assert.deepEqual(splitSegments(''), ['']);
  });

  it('counts extension characters as two septets', () => {
    const a = analyzeText('{€}');
    assert.equal(a.encoding, 'gsm7');
    assert.equal(a.characters, 3);
    assert.equal(a.units, 6);
    assert.equal(a.remainingInSegment, 154);
  });

  it('counts code points as characters and UTF-16 units as units in ucs2', () => {
    const a = analyzeText('a😀b');
    assert.equal(a.encoding, 'ucs2');
    assert.equal(a.characters, 3);
    assert.equal(a.units, 4);
    assert.equal(a.remainingInSegment, 66);
  });

  it('keeps é (in the default alphabet) as gsm7 but lists ê and 😀 as forcing ucs2', () => {
    assert.equal(analyzeText('café é').encoding, 'gsm7');
    assert.deepEqual(analyzeText('café é').nonGsmCharacters, []);
    const a = analyzeText('crêpe é 😀 ê 😀 `');
    assert.equal(a.encoding, 'ucs2');
    assert.deepEqual(a.nonGsmCharacters, ['ê', '😀', '`']);
  });

  it('lists a lone surrogate as a non-GSM character', () => {
    const a = analyzeText('a\ud83d');
    assert.equal(a.encoding, 'ucs2');
    assert.equal(a.characters, 2);
    assert.deepEqual(a.nonGsmCharacters, ['\ud83d']);
  });
});

describe('segment boundaries', () => {
  const cases: Array<{
    text: string;
    encoding: Encoding;
    segments: number;
    perSegment: number;
    remaining: number;
  }> = [
    { text: 'a'.repeat(160), encoding: 'gsm7', segments: 1, perSegment: 160, remaining: 0 },
    { text: 'a'.repeat(161), encoding: 'gsm7', segments: 2, perSegment: 153, remaining: 145 },
    { text: 'a'.repeat(153 * 2), encoding: 'gsm7', segments: 2, perSegment: 153, remaining: 0 },
    { text: 'a'.repeat(153 * 2 + 1), encoding: 'gsm7', segments: 3, perSegment: 153, remaining: 152 },
    { text: `${'a'.repeat(158)}€`, encoding: 'gsm7', segments: 1, perSegment: 160, remaining: 0 },
    { text: `${'a'.repeat(159)}€`, encoding: 'gsm7', segments: 2, perSegment: 153, remaining: 145 },
    { text: 'ê'.repeat(70), encoding: 'ucs2', segments: 1, perSegment: 70, remaining: 0 },
    { text: 'ê'.repeat(71), encoding: 'ucs2', segments: 2, perSegment: 67, remaining: 63 },
    { text: 'ê'.repeat(67 * 2), encoding: 'ucs2', segments: 2, perSegment: 67, remaining: 0 },
    { text: 'ê'.repeat(67 * 2 + 1), encoding: 'ucs2', segments: 3, perSegment: 67, remaining: 66 },
    { text: '😀'.repeat(35), encoding: 'ucs2', segments: 1, perSegment: 70, remaining: 0 },
    { text: '😀'.repeat(36), encoding: 'ucs2', segments: 2, perSegment: 67, remaining: 61 },
  ];
  for (const c of cases) {
    it(`${c.text.length} UTF-16 units ending ${JSON.stringify([...c.text].at(-1))} → ${c.segments} ${c.encoding}`, () => {
      const a = analyzeText(c.text);
      assert.equal(a.encoding, c.encoding);
      assert.equal(a.segments, c.segments);
      assert.equal(a.perSegment, c.perSegment);
      assert.equal(a.remainingInSegment, c.remaining);
      assert.equal(splitSegments(c.text).length, c.segments);
      assert.equal(new SegmentedMessage(c.text).segmentsCount, c.segments);
    });
  }

  it('moves an extension character that would straddle septet 153 whole to the next segment', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(20)}`;
    const parts = splitSegments(text);
    assert.deepEqual(parts, ['a'.repeat(152), `€${'b'.repeat(20)}`]);
    const a = analyzeText(text);
    assert.equal(a.segments, 2);
    assert.equal(a.remainingInSegment, 153 - 22);

    // One septet earlier it fits exactly.
    const fits = `${'a'.repeat(151)}€${'b'.repeat(20)}`;
    assert.deepEqual(splitSegments(fits), [`${'a'.repeat(151)}€`, 'b'.repeat(20)]);
  });

  it('does not split a surrogate pair at unit 67', () => {
    const text = `${'ê'.repeat(66)}😀${'ê'.repeat(10)}`;
    const parts = splitSegments(text);
    assert.deepEqual(parts, ['ê'.repeat(66), `😀${'ê'.repeat(10)}`]);
    assert.equal(analyzeText(text).remainingInSegment, 67 - 12);

    const fits = `${'ê'.repeat(65)}😀${'ê'.repeat(10)}`;
    assert.deepEqual(splitSegments(fits), [`${'ê'.repeat(65)}😀`, 'ê'.repeat(10)]);
  });

  it('splits a grapheme cluster between code points, where sms-segments-calculator would not', () => {
    const text = `${'ê'.repeat(66)}e\u0301${'ê'.repeat(66)}`;
    assert.deepEqual(splitSegments(text), [`${'ê'.repeat(66)}e`, `\u0301${'ê'.repeat(66)}`]);
    assert.equal(analyzeText(text).segments, 2);
    assert.equal(new SegmentedMessage(text).segmentsCount, 3);
  });

  it('splits in an explicitly requested encoding', () => {
    const text = 'a'.repeat(100);
    assert.deepEqual(splitSegments(text, 'gsm7'), [text]);
    assert.deepEqual(splitSegments(text, 'ucs2'), ['a'.repeat(67), 'a'.repeat(33)]);
    assert.throws(() => splitSegments('crêpe', 'gsm7'), RangeError);
  });
});

describe('encodeText / decodeText', () => {
  it('encodes gsm7 as unpacked septets', () => {
    assert.deepEqual([...encodeText('@a€', 'gsm7')], [0x00, 0x61, 0x1b, 0x65]);
    assert.equal(decodeText(Uint8Array.of(0x00, 0x61, 0x1b, 0x65), 'gsm7'), '@a€');
  });

  it('encodes ucs2 as UTF-16BE', () => {
    const bytes = encodeText('Aê😀', 'ucs2');
    assert.equal(bytes.toString('hex'), '004100ead83dde00');
    assert.equal(decodeText(bytes, 'ucs2'), 'Aê😀');
    assert.equal(decodeText(new Uint8Array(0), 'ucs2'), '');
  });

  it('rejects what cannot be encoded or decoded', () => {
    assert.throws(() => encodeText('😀', 'gsm7'), RangeError);
    assert.throws(() => decodeText(Uint8Array.of(0x00, 0x41, 0x00), 'ucs2'), RangeError);
    assert.throws(() => decodeText(Uint8Array.of(0xff), 'gsm7'), RangeError);
  });
});

describe('agreement with sms-segments-calculator', () => {
  const GSM_BASIC =
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  const GSM_EXTENSION = '\f^{}\\[~]|€';
  // Accents are precomposed and emoji are single code points (no combining marks, skin tones, ZWJ sequences,
  // flags or variation selectors): the reference splits UCS-2 text between grapheme clusters, we split only
  // between code points (see 'splits a grapheme cluster between code points' above). Neither rule is 3GPP's,
  // which knows nothing of graphemes, so multi-code-point clusters are a policy difference, not a bug to test.
  const LATIN_ACCENTS = 'áâãçêëíîïóôõúûýÿÁÂÃÈÊËÍÎÏÓÔÕÚÛÝčćđšžłńśźżőűăşţ';
  const EMOJI = ['😀', '😂', '🎉', '🚀', '👍', '🔥', '💡', '🌍', '🍕', '🐍'];

  const classes = [[...GSM_BASIC], [...GSM_EXTENSION], [...LATIN_ACCENTS], EMOJI];

  it('draws from the intended classes', () => {
    assert.equal(GSM_BASIC.length, 127);
    assert.equal(gsm7Length(GSM_BASIC), 127);
    assert.equal(gsm7Length(GSM_EXTENSION), 20);
    assert.equal(
      analyzeText(LATIN_ACCENTS + EMOJI.join('')).nonGsmCharacters.length,
      LATIN_ACCENTS.length + 10,
    );
  });
  const random = prng(20240601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  function randomText(): string {
    // Mostly GSM, so both encodings and every boundary get plenty of cases.
    const weights = [
      1,
      random() < 0.5 ? 0 : random() * 0.2,
      random() < 0.5 ? 0 : random() * 0.05,
      random() < 0.6 ? 0 : random() * 0.05,
    ];
    const total = weights.reduce((sum, w) => sum + w, 0);
    const length = Math.floor(random() * (random() < 0.5 ? 360 : 80));
    const chars: string[] = [];
    for (let i = 0; i < length; i++) {
      let r = random() * total;
      let k = 0;
      while (k < weights.length - 1 && r >= weights[k]!) r -= weights[k++]!;
      chars.push(pick(classes[k]!));
    }
    return chars.join('');
  }

  it('matches encoding, segment count and non-GSM characters for 2,000 random texts', () => {
    const seen = { gsm7: 0, ucs2: 0, multipart: 0 };
    for (let n = 0; n < 2000; n++) {
      const text = randomText();
      const a = analyzeText(text);
      const reference = new SegmentedMessage(text);
      const label = JSON.stringify(text);
      assert.equal(REFERENCE_ENCODING[a.encoding], reference.encodingName, label);
      assert.equal(a.segments, reference.segmentsCount, label);
      assert.equal(a.characters, reference.numberOfUnicodeScalars, label);
      assert.deepEqual(a.nonGsmCharacters, [...new Set(reference.getNonGsmCharacters())], label);
      if (a.encoding === 'gsm7') assert.equal(a.units, reference.numberOfCharacters, label);

      const parts = splitSegments(text);
      assert.equal(parts.join(''), text, label);
      assert.equal(parts.length, a.segments, label);
      const limit = parts.length === 1 ? a.perSegment : a.encoding === 'gsm7' ? 153 : 67;
      assert.equal(a.perSegment, parts.length === 1 ? (a.encoding === 'gsm7' ? 160 : 70) : limit, label);
      for (const part of parts) {
        assert.ok(unitsOf(part, a.encoding) <= limit, label);
        assert.ok(!LONE_SURROGATE.test(part), label);
      }
      assert.equal(a.remainingInSegment, a.perSegment - unitsOf(parts.at(-1)!, a.encoding), label);
      assert.equal(decodeText(encodeText(text, a.encoding), a.encoding), text, label);

      seen[a.encoding]++;
      if (a.segments > 1) seen.multipart++;
    }
    // Guard against a generator that silently stops exercising one side.
    assert.ok(seen.gsm7 > 400 && seen.ucs2 > 400 && seen.multipart > 400, JSON.stringify(seen));
  });
});
