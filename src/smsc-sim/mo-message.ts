import { analyzeText, type Encoding, encodeText, splitSegments } from '../core/text-encoding.js';
import type { PduInit } from '../smpp/pdu.js';
import { DATA_CODING, ESM_CLASS, NPI, TON } from '../smpp/pdu-flags.js';
import { buildConcatUdh } from '../smpp/udh.js';

/** A mobile-originated message for the simulator to deliver to a bound receiver. */
export interface MoMessage {
  /** The handset (`+447700900123` or digits; anything else is sent as alphanumeric). */
  from: string;
  /** The ESME's number or short code. */
  to: string;
  text: string;
  /** gsm7 (data_coding 0, unpacked septets) or ucs2 (data_coding 8); default: what the text needs. */
  encoding?: Encoding;
  /**
   * Segments to send it in; more than 1 adds a concatenation UDH (esm_class 0x40) to each. Default:
   * as many as the text needs.
   */
  parts?: number;
  /** Width of the concatenation reference (default 8). */
  refBits?: 8 | 16;
  /** The concatenation reference; default: the simulator's next one. */
  reference?: number;
  /** Deliver only to sessions bound with this system_id (default: any receiving session). */
  systemId?: string;
}

/** Capacity of one segment with a UDH of 6 (8-bit reference) or 7 (16-bit) octets. */
const MULTI = { gsm7: { 8: 153, 16: 152 }, ucs2: { 8: 67, 16: 66 } } as const;
const SINGLE = { gsm7: 160, ucs2: 70 } as const;

/** SMPP address fields for a number or name: E.164 digits → TON 1/NPI 1, anything else alphanumeric. */
export function addressOf(address: string): { ton: number; npi: number; addr: string } {
  const digits = /^\+?(\d+)$/.exec(address);
  if (digits) return { ton: TON.INTERNATIONAL, npi: NPI.ISDN, addr: digits[1]! };
  return { ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN, addr: address };
}

/**
 * Splits the text into exactly `parts` pieces of whole code points, as even as possible.
 * @throws RangeError when a piece would not fit one segment.
 */
function splitInto(text: string, encoding: Encoding, parts: number, refBits: 8 | 16): string[] {
  if (parts === 1) return [text];
  const natural = splitSegments(text, encoding, MULTI[encoding][refBits]);
  if (natural.length === parts) return natural;
  const points = Array.from(text);
  if (points.length < parts) {
    throw new RangeError(`${points.length} characters cannot be sent in ${parts} parts`);
  }
  const pieces: string[] = [];
  for (let i = 0; i < parts; i++) {
    const start = Math.floor((i * points.length) / parts);
    const end = Math.floor(((i + 1) * points.length) / parts);
    pieces.push(points.slice(start, end).join(''));
  }
  return pieces;
}

/**
 * The deliver_sm of each part of an MO (esm_class 0, or 0x40 with a concatenation UDH when there is
 * more than one part).
 * @throws RangeError when the text does not fit the parts asked for, or gsm7 is asked for text it
 * cannot carry.
 */
export function buildMoParts(mo: MoMessage, reference: number): PduInit<'deliver_sm'>[] {
  const encoding = mo.encoding ?? analyzeText(mo.text).encoding;
  const refBits = mo.refBits ?? 8;
  const parts = mo.parts ?? splitSegments(mo.text, encoding, MULTI[encoding][refBits]).length;
  if (!Number.isInteger(parts) || parts < 1 || parts > 255) {
    throw new RangeError(`parts must be an integer from 1 to 255, got ${parts}`);
  }
  const pieces = splitInto(mo.text, encoding, parts, refBits);
  const capacity = parts === 1 ? SINGLE[encoding] : MULTI[encoding][refBits];
  const source = addressOf(mo.from);
  const destination = addressOf(mo.to);
  return pieces.map((piece, index) => {
    const body = encodeText(piece, encoding);
    const units = encoding === 'gsm7' ? body.length : body.length / 2;
    if (units > capacity) {
      throw new RangeError(`part ${index + 1} needs ${units} units; a segment holds ${capacity}`);
    }
    const udh =
      parts === 1 ? undefined : buildConcatUdh({ reference, total: parts, seqnum: index + 1, refBits });
    return {
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.addr,
      dest_addr_ton: destination.ton,
      dest_addr_npi: destination.npi,
      destination_addr: destination.addr,
      esm_class: udh === undefined ? ESM_CLASS.TYPE_DEFAULT : ESM_CLASS.UDHI,
      data_coding: encoding === 'gsm7' ? DATA_CODING.DEFAULT : DATA_CODING.UCS2,
      short_message: udh === undefined ? body : Buffer.concat([udh, body]),
    };
  });
}
