/**
 * The User Data Header at the start of a short_message when esm_class has UDHI (0x40), per
 * 3GPP TS 23.040 §9.2.3.24: UDHL (length of what follows), then information elements
 * (IEI, length, data). Only concatenation is interpreted; every element is returned raw.
 */

/** IEI 0x00: concatenated short message, 8-bit reference. */
export const IEI_CONCAT_8 = 0x00;
/** IEI 0x08: concatenated short message, 16-bit reference. */
export const IEI_CONCAT_16 = 0x08;

/** Where a segment belongs in its concatenated message. `seqnum` is 1-based. */
export interface ConcatInfo {
  reference: number;
  total: number;
  seqnum: number;
}

export interface ParsedUdh {
  /** Octets the header occupies, UDHL included: the text starts at this offset. */
  headerLength: number;
  /** The concatenation element, when present and valid (a later one wins, as 23.040 asks). */
  concat?: ConcatInfo;
  /** Every information element in order (views into the short_message). */
  elements: Array<{ iei: number; data: Buffer }>;
}

/**
 * Builds a concatenation UDH: `05 00 03 ref total seq` (8-bit reference) or
 * `06 08 04 refHi refLo total seq` (16-bit).
 * @throws RangeError for a reference out of range, a total outside 1–255 or a seqnum outside 1–total.
 */
export function buildConcatUdh(options: ConcatInfo & { refBits: 8 | 16 }): Buffer {
  const { reference, total, seqnum, refBits } = options;
  const maxReference = refBits === 16 ? 0xffff : 0xff;
  if (!Number.isInteger(reference) || reference < 0 || reference > maxReference) {
    throw new RangeError(`A ${refBits}-bit reference must be 0 to ${maxReference}, got ${reference}`);
  }
  if (!Number.isInteger(total) || total < 1 || total > 255) {
    throw new RangeError(`total must be 1 to 255, got ${total}`);
  }
  if (!Number.isInteger(seqnum) || seqnum < 1 || seqnum > total) {
    throw new RangeError(`seqnum must be 1 to total (${total}), got ${seqnum}`);
  }
  if (refBits === 16) {
    return Buffer.from([0x06, IEI_CONCAT_16, 0x04, reference >> 8, reference & 0xff, total, seqnum]);
  }
  return Buffer.from([0x05, IEI_CONCAT_8, 0x03, reference, total, seqnum]);
}

/**
 * Parses the UDH at the start of `shortMessage` (call it only when UDHI is set). Returns undefined for a
 * malformed header (empty, UDHL past the end, an element overrunning the header, a concatenation
 * element of the wrong length); never throws. A concatenation element with total 0 or seqnum outside
 * 1–total is ignored, as 23.040 §9.2.3.24.1 asks, and `concat` is then absent.
 */
export function parseUdh(shortMessage: Uint8Array): ParsedUdh | undefined {
  if (shortMessage.length < 1) return undefined;
  const bytes = Buffer.from(shortMessage.buffer, shortMessage.byteOffset, shortMessage.length);
  const headerLength = bytes[0]! + 1;
  if (headerLength > bytes.length) return undefined;
  const elements: ParsedUdh['elements'] = [];
  let concat: ConcatInfo | undefined;
  let position = 1;
  while (position < headerLength) {
    if (position + 2 > headerLength) return undefined;
    const iei = bytes[position]!;
    const length = bytes[position + 1]!;
    const start = position + 2;
    position = start + length;
    if (position > headerLength) return undefined;
    const data = bytes.subarray(start, position);
    elements.push({ iei, data });
    if (iei === IEI_CONCAT_8 || iei === IEI_CONCAT_16) {
      const refLength = iei === IEI_CONCAT_8 ? 1 : 2;
      if (length !== refLength + 2) return undefined;
      const reference = refLength === 1 ? data[0]! : data.readUInt16BE(0);
      const total = data[refLength]!;
      const seqnum = data[refLength + 1]!;
      concat = total === 0 || seqnum === 0 || seqnum > total ? undefined : { reference, total, seqnum };
    }
  }
  return concat === undefined ? { headerLength, elements } : { headerLength, concat, elements };
}
