import { decodeGsm7, encodeGsm7, gsm7CodeUnitLength, gsm7Length } from './gsm7.js';

/** The SMS text encodings the gateway produces: the GSM 7-bit default alphabet, or UCS-2 (UTF-16BE). */
export const ENCODINGS = ['gsm7', 'ucs2'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/**
 * How a message's content is carried: a text's encoding, or `binary` — 8-bit user data given as
 * bytes (Kannel's coding=1 or udh, Jasmin's binary hex-content), stored and handed to connectors
 * as hex, one segment of at most {@link BINARY_SEGMENT_BYTES} bytes.
 */
export type MessageEncoding = Encoding | 'binary';

/** What one SMS carries of 8-bit user data, a UDH included. */
export const BINARY_SEGMENT_BYTES = 140;

/** Whether `v` names one of {@link ENCODINGS}. */
export function isEncoding(v: unknown): v is Encoding {
  return typeof v === 'string' && (ENCODINGS as readonly string[]).includes(v);
}

/** Segment capacities: a lone SMS, and each part of a concatenated one (the 6-octet UDH takes the rest). */
const CAPACITY = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const satisfies Record<Encoding, { single: number; multi: number }>;

/** How a text encodes and how many SMS segments it takes. */
export interface TextAnalysis {
  /** The encoding chosen: gsm7 when every character is in the GSM 7-bit alphabet, else ucs2. */
  encoding: Encoding;
  /** Unicode code points (a lone surrogate counts as one). */
  characters: number;
  /** Septets for gsm7 (extension characters count 2), UTF-16 code units for ucs2. */
  units: number;
  /** Segments (PDUs) needed; at least 1. */
  segments: number;
  /** Units one segment holds: 160 or 153 for gsm7, 70 or 67 for ucs2. */
  perSegment: number;
  /** Units still free in the last segment. */
  remainingInSegment: number;
  /** Distinct characters (code points, in order of first appearance) that forced UCS-2; empty for gsm7. */
  nonGsmCharacters: string[];
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

interface Segmentation {
  segments: number;
  perSegment: number;
  /** Units in the last segment. */
  lastUnits: number;
}

/**
 * The one segmentation rule behind both {@link analyzeText} and {@link splitSegments}: whole text if it
 * fits one segment, else greedy chunks of at most the multipart capacity that never split an escape pair
 * (gsm7) or a surrogate pair (ucs2). Pushes each segment's end index onto `ends` when given.
 */
function segment(
  text: string,
  encoding: Encoding,
  totalUnits: number,
  ends?: number[],
  multiCapacity?: number,
): Segmentation {
  const { single } = CAPACITY[encoding];
  const multi = multiCapacity ?? CAPACITY[encoding].multi;
  if (totalUnits <= single) {
    ends?.push(text.length);
    return { segments: 1, perSegment: single, lastUnits: totalUnits };
  }
  let segments = 1;
  let used = 0;
  for (let i = 0; i < text.length; ) {
    const unit = text.charCodeAt(i);
    let width: number;
    let span = 1;
    if (encoding === 'gsm7') {
      width = gsm7CodeUnitLength(unit);
    } else if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      width = 2;
      span = 2;
    } else {
      width = 1;
    }
    if (used + width > multi) {
      ends?.push(i);
      segments++;
      used = 0;
    }
    used += width;
    i += span;
  }
  ends?.push(text.length);
  return { segments, perSegment: multi, lastUnits: used };
}

function unitsIn(text: string, encoding: Encoding): number {
  return encoding === 'gsm7' ? gsm7Length(text) : text.length;
}

function chooseEncoding(text: string): Encoding {
  for (let i = 0; i < text.length; i++) {
    if (gsm7CodeUnitLength(text.charCodeAt(i)) === 0) return 'ucs2';
  }
  return 'gsm7';
}

/**
 * Chooses the encoding for `text` and counts its characters, units and segments.
 *
 * Empty text is gsm7 with 0 characters and 0 units, and still takes 1 segment: an empty SMS is one PDU.
 * The segment count always equals `splitSegments(text).length`.
 */
export function analyzeText(text: string): TextAnalysis {
  let characters = 0;
  let septets = 0;
  let nonGsm: Set<string> | undefined;
  for (let i = 0; i < text.length; i++) {
    characters++;
    const unit = text.charCodeAt(i);
    const width = gsm7CodeUnitLength(unit);
    if (width !== 0) {
      septets += width;
      continue;
    }
    if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      nonGsm ??= new Set();
      nonGsm.add(text.slice(i, i + 2));
      i++;
    } else {
      nonGsm ??= new Set();
      nonGsm.add(text[i]!);
    }
  }
  const encoding: Encoding = nonGsm === undefined ? 'gsm7' : 'ucs2';
  const units = encoding === 'gsm7' ? septets : text.length;
  const { segments, perSegment, lastUnits } = segment(text, encoding, units);
  return {
    encoding,
    characters,
    units,
    segments,
    perSegment,
    remainingInSegment: perSegment - lastUnits,
    nonGsmCharacters: nonGsm === undefined ? [] : [...nonGsm],
  };
}

/**
 * Splits `text` into the text of each SMS segment, in `encoding` (default: the one {@link analyzeText}
 * chooses). A text that fits one segment (160 septets / 70 UTF-16 units) is returned whole; otherwise
 * chunks hold at most 153 septets / 67 units, and an extension character or surrogate pair that would
 * straddle a boundary moves whole to the next chunk. Empty text gives `['']`. Joining the result gives
 * back `text`.
 * @throws RangeError if `encoding` is gsm7 and `text` has a character outside the GSM 7-bit alphabet.
 */
export function splitSegments(text: string, encoding?: Encoding, multipartUnits?: number): string[] {
  const enc = encoding ?? chooseEncoding(text);
  const ends: number[] = [];
  segment(text, enc, unitsIn(text, enc), ends, multipartUnits);
  const parts: string[] = [];
  let start = 0;
  for (const end of ends) {
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

/**
 * Encodes `text`: gsm7 as unpacked septets (see `encodeGsm7`), ucs2 as UTF-16BE.
 * @throws RangeError if `encoding` is gsm7 and `text` has a character outside the GSM 7-bit alphabet.
 */
export function encodeText(text: string, encoding: Encoding): Buffer {
  if (encoding === 'gsm7') return encodeGsm7(text);
  const out = Buffer.allocUnsafe(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[i * 2] = unit >> 8;
    out[i * 2 + 1] = unit & 0xff;
  }
  return out;
}

/**
 * Decodes bytes produced by {@link encodeText}: gsm7 as unpacked septets (see `decodeGsm7`), ucs2 as
 * UTF-16BE.
 * @throws RangeError for ucs2 data of odd length, or gsm7 data with a byte above 0x7F.
 */
export function decodeText(bytes: Uint8Array, encoding: Encoding): string {
  if (encoding === 'gsm7') return decodeGsm7(bytes);
  if (bytes.length % 2 !== 0)
    throw new RangeError(`UCS-2 data must have an even length, got ${bytes.length}`);
  return Buffer.from(bytes).swap16().toString('utf16le');
}
