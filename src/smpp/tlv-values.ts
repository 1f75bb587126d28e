import type { Tlv } from './pdu.js';
import { TLV_TAGS } from './tlv-tags.js';

/**
 * Typed reads and builders for the TLVs a gateway uses. Readers take any PDU (anything with `tlvs`),
 * use the first TLV with the tag, and return undefined when it is absent or has the wrong length for
 * its type, so a sloppy SMSC's odd TLV never throws.
 */

/** Anything that carries TLVs: every PDU. */
export interface HasTlvs {
  readonly tlvs: readonly Tlv[];
}

/** The value of the first TLV with `tag`, or undefined. */
export function getTlv(pdu: HasTlvs, tag: number): Buffer | undefined {
  for (const tlv of pdu.tlvs) if (tlv.tag === tag) return tlv.value;
  return undefined;
}

/** A 1-octet TLV as a number. */
export function readU8Tlv(pdu: HasTlvs, tag: number): number | undefined {
  const value = getTlv(pdu, tag);
  return value?.length === 1 ? value[0] : undefined;
}

/** A 2-octet big-endian TLV as a number. */
export function readU16Tlv(pdu: HasTlvs, tag: number): number | undefined {
  const value = getTlv(pdu, tag);
  return value?.length === 2 ? value.readUInt16BE(0) : undefined;
}

/** A C-Octet String TLV; tolerates a missing NUL (the value then ends with the TLV). */
export function readCStringTlv(pdu: HasTlvs, tag: number): string | undefined {
  const value = getTlv(pdu, tag);
  if (value === undefined) return undefined;
  const nul = value.indexOf(0);
  return value.toString('latin1', 0, nul === -1 ? value.length : nul);
}

/** receipted_message_id: the SMSC's id of the message a receipt is about. */
export function receiptedMessageId(pdu: HasTlvs): string | undefined {
  return readCStringTlv(pdu, TLV_TAGS.receipted_message_id);
}

/** message_state (1 ENROUTE … 8 REJECTED; see `MESSAGE_STATES`). */
export function messageState(pdu: HasTlvs): number | undefined {
  return readU8Tlv(pdu, TLV_TAGS.message_state);
}

/** user_message_reference: the ESME's own reference, echoed in receipts by some SMSCs. */
export function userMessageReference(pdu: HasTlvs): number | undefined {
  return readU16Tlv(pdu, TLV_TAGS.user_message_reference);
}

/** sc_interface_version from a bind response; absent means the SMSC may not support TLVs at all. */
export function scInterfaceVersion(pdu: HasTlvs): number | undefined {
  return readU8Tlv(pdu, TLV_TAGS.sc_interface_version);
}

/** network_error_code: network type (1 ANSI-136 … 3 GSM … 8 SMSC-specific) and its u16 error code. */
export function networkErrorCode(pdu: HasTlvs): { networkType: number; errorCode: number } | undefined {
  const value = getTlv(pdu, TLV_TAGS.network_error_code);
  if (value?.length !== 3) return undefined;
  return { networkType: value[0]!, errorCode: value.readUInt16BE(1) };
}

/** The sar_* trio (concatenation done by the SMSC), when all three are present and well-formed. */
export function sarInfo(pdu: HasTlvs): { reference: number; total: number; seqnum: number } | undefined {
  const reference = readU16Tlv(pdu, TLV_TAGS.sar_msg_ref_num);
  const total = readU8Tlv(pdu, TLV_TAGS.sar_total_segments);
  const seqnum = readU8Tlv(pdu, TLV_TAGS.sar_segment_seqnum);
  if (reference === undefined || total === undefined || seqnum === undefined) return undefined;
  return { reference, total, seqnum };
}

function checkRange(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} must be an integer from 0 to ${max}, got ${value}`);
  }
}

/** A 1-octet TLV. @throws RangeError outside 0–255. */
export function u8Tlv(tag: number, value: number): Tlv {
  checkRange(value, 0xff, 'A 1-octet TLV value');
  return { tag, value: Buffer.from([value]) };
}

/** A 2-octet big-endian TLV. @throws RangeError outside 0–65535. */
export function u16Tlv(tag: number, value: number): Tlv {
  checkRange(value, 0xffff, 'A 2-octet TLV value');
  const buffer = Buffer.allocUnsafe(2);
  buffer.writeUInt16BE(value, 0);
  return { tag, value: buffer };
}

/** A C-Octet String TLV (Latin-1 text + NUL). */
export function cStringTlv(tag: number, value: string): Tlv {
  return { tag, value: Buffer.from(`${value}\0`, 'latin1') };
}

/** A network_error_code TLV. @throws RangeError for an out-of-range type or code. */
export function networkErrorCodeTlv(networkType: number, errorCode: number): Tlv {
  checkRange(networkType, 0xff, 'networkType');
  checkRange(errorCode, 0xffff, 'errorCode');
  const buffer = Buffer.allocUnsafe(3);
  buffer[0] = networkType;
  buffer.writeUInt16BE(errorCode, 1);
  return { tag: TLV_TAGS.network_error_code, value: buffer };
}
