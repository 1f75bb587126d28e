/**
 * The GSM 03.38 / 3GPP TS 23.038 default 7-bit alphabet, its default extension table, and septet packing.
 *
 * Septets are handled in two forms: unpacked (one septet per byte, 0x00–0x7F, as SMPP carries GSM text
 * with data_coding 0 by default) and packed (7 bits each, as in the TP-User-Data of an SMS PDU).
 */

/** The escape to the extension table. */
const ESC = 0x1b;

/**
 * The default alphabet, indexed by septet code. Position 0x1B is the escape and holds a placeholder.
 * Greek capitals are spelled as escapes because several of them have Latin lookalikes.
 */
const BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  '\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u001bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The default extension table: [code after ESC, character]. */
const EXTENSION_TABLE: ReadonlyArray<readonly [number, string]> = [
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

/** Marks an extension-table entry in CHAR_TO_CODE; real septets never have this bit. */
const EXTENSION_FLAG = 0x80;

/** UTF-16 code unit → septet code, EXTENSION_FLAG | code for extension characters, or -1. */
const CHAR_TO_CODE = new Int16Array(0x10000).fill(-1);
/** Septet code → UTF-16 code unit in the default alphabet. */
const BASIC_TO_CHAR = new Uint16Array(0x80);
/** Code after ESC → UTF-16 code unit, or -1 where the extension table has no character. */
const EXTENSION_TO_CHAR = new Int32Array(0x80).fill(-1);

for (let code = 0; code < 0x80; code++) {
  const unit = BASIC_TABLE.charCodeAt(code);
  BASIC_TO_CHAR[code] = unit;
  if (code !== ESC) CHAR_TO_CODE[unit] = code;
}
for (const [code, ch] of EXTENSION_TABLE) {
  const unit = ch.charCodeAt(0);
  EXTENSION_TO_CHAR[code] = unit;
  CHAR_TO_CODE[unit] = EXTENSION_FLAG | code;
}

/**
 * Septets needed for one UTF-16 code unit: 1 for the default alphabet, 2 for the extension table
 * (escape + code), 0 when the code unit has no GSM 7-bit representation (including every surrogate).
 */
export function gsm7CodeUnitLength(codeUnit: number): 0 | 1 | 2 {
  const code = CHAR_TO_CODE[codeUnit & 0xffff]!;
  if (code < 0) return 0;
  return code & EXTENSION_FLAG ? 2 : 1;
}

/** Whether `ch` is a single character of the GSM 7-bit default alphabet or its extension table. */
export function isGsm7Char(ch: string): boolean {
  return ch.length === 1 && CHAR_TO_CODE[ch.charCodeAt(0)]! >= 0;
}

function nonGsmError(text: string, index: number): RangeError {
  const codePoint = text.codePointAt(index)!;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return new RangeError(
    `Character ${JSON.stringify(String.fromCodePoint(codePoint))} (U+${hex}) at index ${index} is not in the GSM 7-bit alphabet`,
  );
}

/**
 * Length of `text` in septets: extension-table characters count 2.
 * @throws RangeError if `text` contains a character outside the GSM 7-bit alphabet.
 */
export function gsm7Length(text: string): number {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const width = gsm7CodeUnitLength(text.charCodeAt(i));
    if (width === 0) throw nonGsmError(text, i);
    septets += width;
  }
  return septets;
}

/**
 * Encodes `text` as unpacked septets, one byte (0x00–0x7F) per septet; extension-table characters
 * become ESC (0x1B) followed by their code.
 * @throws RangeError if `text` contains a character outside the GSM 7-bit alphabet.
 */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.allocUnsafe(gsm7Length(text));
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    const code = CHAR_TO_CODE[text.charCodeAt(i)]!;
    if (code & EXTENSION_FLAG) {
      out[pos++] = ESC;
      out[pos++] = code & 0x7f;
    } else {
      out[pos++] = code;
    }
  }
  return out;
}

/**
 * Decodes unpacked septets (one per byte) to text, the inverse of {@link encodeGsm7}.
 *
 * Per 3GPP TS 23.038, an escape to a code the extension table does not define shows the default-alphabet
 * character for that code (ESC 0x41 → 'A'); ESC ESC (reserved for a further extension table) and a
 * trailing lone ESC show as a space.
 * @throws RangeError if a byte is above 0x7F, which no septet can be.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  // UTF-16LE bytes, written by hand so the result does not depend on the platform's endianness.
  const utf16 = Buffer.allocUnsafe(bytes.length * 2);
  let units = 0;
  for (let i = 0; i < bytes.length; i++) {
    let code = bytes[i]!;
    if (code > 0x7f) throw new RangeError(`Byte 0x${code.toString(16)} at index ${i} is not a septet`);
    let unit: number;
    if (code !== ESC) {
      unit = BASIC_TO_CHAR[code]!;
    } else if (i + 1 >= bytes.length) {
      unit = 0x20;
    } else {
      code = bytes[++i]!;
      if (code > 0x7f) throw new RangeError(`Byte 0x${code.toString(16)} at index ${i} is not a septet`);
      const extended = EXTENSION_TO_CHAR[code]!;
      if (extended >= 0) unit = extended;
      else if (code === ESC) unit = 0x20;
      else unit = BASIC_TO_CHAR[code]!;
    }
    utf16[units * 2] = unit & 0xff;
    utf16[units * 2 + 1] = unit >> 8;
    units++;
  }
  return utf16.toString('utf16le', 0, units * 2);
}

function checkPaddingBits(paddingBits: number): void {
  if (!Number.isInteger(paddingBits) || paddingBits < 0 || paddingBits > 6) {
    throw new RangeError(`paddingBits must be an integer from 0 to 6, got ${paddingBits}`);
  }
}

/**
 * Packs septets (one per byte, 0x00–0x7F) into 7-bit GSM packing, least significant bit first.
 *
 * `paddingBits` zero fill bits come first, so the first septet starts on a septet boundary when a User
 * Data Header precedes the text: for a UDH of n octets (including its length octet) the fill is
 * (7 − (8n mod 7)) mod 7. The result is ceil((paddingBits + 7 × septets) / 8) bytes long.
 * @throws RangeError if `paddingBits` is not 0–6 or a value is above 0x7F.
 */
export function packSeptets(septets: Uint8Array, paddingBits = 0): Buffer {
  checkPaddingBits(paddingBits);
  const out = Buffer.alloc(Math.ceil((paddingBits + septets.length * 7) / 8));
  let bit = paddingBits;
  for (let i = 0; i < septets.length; i++, bit += 7) {
    const septet = septets[i]!;
    if (septet > 0x7f) throw new RangeError(`Value 0x${septet.toString(16)} at index ${i} is not a septet`);
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] = out[byte]! | ((septet << shift) & 0xff);
    // A septet starting at bit 2 or later of a byte spills into the next one.
    if (shift > 1) out[byte + 1] = septet >> (8 - shift);
  }
  return out;
}

/**
 * Unpacks `septetCount` septets from 7-bit GSM packing, skipping `paddingBits` leading fill bits;
 * the inverse of {@link packSeptets}. Returns one septet per byte.
 *
 * The count must come from the message (TP-UDL or sm_length): packed data alone cannot tell a final '@'
 * (0x00) from unused bits.
 * @throws RangeError if `paddingBits` is not 0–6, or `packed` is too short for `septetCount` septets.
 */
export function unpackSeptets(packed: Uint8Array, septetCount: number, paddingBits = 0): Buffer {
  checkPaddingBits(paddingBits);
  if (!Number.isInteger(septetCount) || septetCount < 0) {
    throw new RangeError(`septetCount must be a non-negative integer, got ${septetCount}`);
  }
  const needed = Math.ceil((paddingBits + septetCount * 7) / 8);
  if (packed.length < needed) {
    throw new RangeError(`${septetCount} septets need ${needed} packed bytes, got ${packed.length}`);
  }
  const out = Buffer.allocUnsafe(septetCount);
  let bit = paddingBits;
  for (let i = 0; i < septetCount; i++, bit += 7) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let value = packed[byte]! >> shift;
    if (shift > 1) value |= packed[byte + 1]! << (8 - shift);
    out[i] = value & 0x7f;
  }
  return out;
}
