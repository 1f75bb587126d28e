import { decodeGsm7, unpackSeptets } from '../../core/gsm7.js';
import { parseDeliveryReceipt } from '../../smpp/delivery-receipt.js';
import { statOfMessageState } from '../../smpp/message-state.js';
import type { DataSm, DeliverSm } from '../../smpp/pdu.js';
import { DATA_CODING, ESM_CLASS, isDeliveryReceipt } from '../../smpp/pdu-flags.js';
import { TLV_TAGS } from '../../smpp/tlv-tags.js';
import {
  getTlv,
  messageState,
  networkErrorCode,
  receiptedMessageId,
  sarInfo,
} from '../../smpp/tlv-values.js';
import { parseUdh } from '../../smpp/udh.js';
import type { ReceiptState } from '../connector.js';

const STATE_OF_STAT: Record<string, ReceiptState> = {
  DELIVRD: 'delivered',
  DELIVERED: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'deleted',
  UNDELIV: 'undelivered',
  UNDELIVERABLE: 'undelivered',
  ACCEPTD: 'accepted',
  ACCEPTED: 'accepted',
  UNKNOWN: 'unknown',
  REJECTD: 'rejected',
  REJECTED: 'rejected',
  ENROUTE: 'enroute',
};

/** A receipt as read from a deliver_sm / data_sm. */
export interface ReadReceipt {
  kind: 'receipt';
  /** The SMSC's id of the submitted message, as written. */
  id: string;
  state: ReceiptState;
  /** `stat:… err:…` (plus the network error when the TLV carries one). */
  rawCode: string;
}

/** A mobile-originated message (or one part of one). */
export interface ReadInbound {
  kind: 'inbound';
  from: string;
  to: string;
  text: string;
  /** Present when this is one part of a concatenated message. */
  concat?: { reference: number; total: number; seqnum: number };
}

/**
 * Reads a deliver_sm or data_sm: a delivery receipt (by esm_class) from its TLVs
 * (receipted_message_id, message_state) or, failing those, its text; anything else is an inbound
 * message, decoded by its data_coding with UDH or SAR concatenation taken apart.
 * Returns undefined for a receipt that names no message.
 */
export function readDeliver(
  pdu: DeliverSm | DataSm,
  gsmPacked: boolean,
): ReadReceipt | ReadInbound | undefined {
  const payload = getTlv(pdu, TLV_TAGS.message_payload);
  const body = payload ?? ('short_message' in pdu ? pdu.short_message : Buffer.alloc(0));
  if (isDeliveryReceipt(pdu.esm_class)) return readReceipt(pdu, body);

  let content = body;
  let concat: ReadInbound['concat'];
  let udhLength = 0;
  if (pdu.esm_class & ESM_CLASS.UDHI) {
    const udh = parseUdh(body);
    if (udh) {
      udhLength = udh.headerLength;
      content = body.subarray(udh.headerLength);
      concat = udh.concat;
    }
  }
  const sar = sarInfo(pdu);
  if (!concat && sar) concat = { reference: sar.reference, total: sar.total, seqnum: sar.seqnum };
  return {
    kind: 'inbound',
    from: internationalize(pdu.source_addr, pdu.source_addr_ton),
    to: internationalize(pdu.destination_addr, pdu.dest_addr_ton),
    text: decodeContent(content, pdu.data_coding, gsmPacked, udhLength, body.length),
    ...(concat ? { concat } : {}),
  };
}

function readReceipt(pdu: DeliverSm | DataSm, body: Buffer): ReadReceipt | undefined {
  const fields = parseDeliveryReceipt(body.toString('latin1'));
  const id = receiptedMessageId(pdu) ?? fields?.id;
  if (!id) return undefined;
  const stateNumber = messageState(pdu);
  const stat =
    (stateNumber === undefined ? undefined : statOfMessageState(stateNumber)) ?? fields?.stat ?? 'UNKNOWN';
  const network = networkErrorCode(pdu);
  const err = fields?.err ?? (network ? String(network.errorCode) : '000');
  const networkPart = network ? ` net:${network.networkType}/${network.errorCode}` : '';
  return {
    kind: 'receipt',
    id,
    state: STATE_OF_STAT[stat.toUpperCase()] ?? 'unknown',
    rawCode: `stat:${stat} err:${err}${networkPart}`,
  };
}

/** Decodes short_message (or message_payload) content by its data_coding (UDH already removed). */
export function decodeContent(
  content: Buffer,
  dataCoding: number,
  gsmPacked: boolean,
  udhLength: number,
  totalLength: number,
): string {
  switch (dataCoding & 0x0f) {
    case DATA_CODING.UCS2:
      return Buffer.from(content.subarray(0, content.length - (content.length % 2)))
        .swap16()
        .toString('utf16le');
    case DATA_CODING.LATIN1:
    case DATA_CODING.IA5:
    case DATA_CODING.OCTET_UNSPECIFIED:
    case DATA_CODING.OCTET_UNSPECIFIED_2:
      return content.toString('latin1');
    default: {
      if (!gsmPacked) return safeGsm(content);
      const padding = udhLength === 0 ? 0 : (7 - ((udhLength * 8) % 7)) % 7;
      const septets = Math.floor(((totalLength - udhLength) * 8 - padding) / 7);
      return safeGsm(unpackSeptets(content, septets, padding));
    }
  }
}

function safeGsm(septets: Uint8Array): string {
  try {
    return decodeGsm7(septets);
  } catch {
    // Octets above 0x7F are not GSM septets: the SMSC sent Latin-1 under data_coding 0.
    return Buffer.from(septets).toString('latin1');
  }
}

/** International numbers (TON 1) come without their plus sign. */
export function internationalize(address: string, ton: number): string {
  return ton === 1 && /^\d+$/.test(address) ? `+${address}` : address;
}
