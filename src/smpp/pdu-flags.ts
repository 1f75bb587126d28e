/**
 * Bit values of the one-octet PDU fields a gateway sets and tests (SMPP 3.4 §5.2). Constants only;
 * combine with `|` and test with `&`.
 */

/** esm_class: messaging mode (bits 1–0), message type (bits 5–2), GSM features (bits 7–6). */
export const ESM_CLASS = {
  MODE_MASK: 0x03,
  MODE_DEFAULT: 0x00,
  MODE_DATAGRAM: 0x01,
  MODE_FORWARD: 0x02,
  MODE_STORE_AND_FORWARD: 0x03,
  TYPE_MASK: 0x3c,
  TYPE_DEFAULT: 0x00,
  /** A deliver_sm carrying an SMSC delivery receipt. */
  SMSC_DELIVERY_RECEIPT: 0x04,
  SME_DELIVERY_ACK: 0x08,
  SME_MANUAL_ACK: 0x10,
  CONVERSATION_ABORT: 0x18,
  INTERMEDIATE_NOTIFICATION: 0x20,
  /** short_message starts with a User Data Header. */
  UDHI: 0x40,
  REPLY_PATH: 0x80,
} as const;

/** Whether a deliver_sm with this esm_class is an SMSC delivery receipt (not an MO message). */
export function isDeliveryReceipt(esmClass: number): boolean {
  return (esmClass & ESM_CLASS.TYPE_MASK) === ESM_CLASS.SMSC_DELIVERY_RECEIPT;
}

/** registered_delivery: receipt request (bits 1–0), SME acks (bits 3–2), intermediate notice (bit 4). */
export const REGISTERED_DELIVERY = {
  RECEIPT_MASK: 0x03,
  NO_RECEIPT: 0x00,
  /** A receipt on the final outcome, success or failure. */
  RECEIPT_ON_FINAL: 0x01,
  RECEIPT_ON_FAILURE: 0x02,
  SME_DELIVERY_ACK: 0x04,
  SME_MANUAL_ACK: 0x08,
  INTERMEDIATE_NOTIFICATION: 0x10,
} as const;

/** data_coding values of SMPP 3.4 (0xF0–0xFF are GSM DCS message-class codings). */
export const DATA_CODING = {
  /** SMSC default alphabet, usually GSM 03.38. */
  DEFAULT: 0x00,
  IA5: 0x01,
  OCTET_UNSPECIFIED_2: 0x02,
  LATIN1: 0x03,
  /** 8-bit binary. */
  OCTET_UNSPECIFIED: 0x04,
  JIS: 0x05,
  CYRILLIC: 0x06,
  HEBREW: 0x07,
  /** UCS-2 big-endian (UTF-16BE on the wire for non-BMP characters). */
  UCS2: 0x08,
  PICTOGRAM: 0x09,
  ISO_2022_JP: 0x0a,
  EXTENDED_KANJI_JIS: 0x0d,
  KS_C_5601: 0x0e,
} as const;

/** Type of Number. */
export const TON = {
  UNKNOWN: 0,
  INTERNATIONAL: 1,
  NATIONAL: 2,
  NETWORK_SPECIFIC: 3,
  SUBSCRIBER_NUMBER: 4,
  ALPHANUMERIC: 5,
  ABBREVIATED: 6,
} as const;

/** Numbering Plan Indicator. */
export const NPI = {
  UNKNOWN: 0,
  ISDN: 1,
  DATA: 3,
  TELEX: 4,
  LAND_MOBILE: 6,
  NATIONAL: 8,
  PRIVATE: 9,
  ERMES: 10,
  INTERNET: 14,
  WAP_CLIENT_ID: 18,
} as const;
