import { decodeGsm7 } from '../core/gsm7.js';
import type { SubmitSm, Tlv } from '../smpp/pdu.js';
import { DATA_CODING, ESM_CLASS } from '../smpp/pdu-flags.js';
import { TLV_TAGS } from '../smpp/tlv-tags.js';
import { getTlv, sarInfo } from '../smpp/tlv-values.js';
import { type ConcatInfo, parseUdh } from '../smpp/udh.js';
import type { SimOutcome } from './smsc-sim-options.js';

/**
 * What the simulator keeps of each submit_sm it accepted, field by field as it arrived, so a test can
 * assert exactly what the gateway sent. Buffers are copies (not views of the socket's chunks).
 */
export interface SubmitRecord {
  /** The id the simulator answered with in submit_sm_resp. */
  readonly messageId: string;
  /** The system_id of the session it came in on. */
  readonly systemId: string;
  readonly receivedAt: Date;
  /** The fate the destination rules gave it. */
  readonly outcome: Exclude<SimOutcome, 'rejected'>;
  readonly serviceType: string;
  readonly sourceAddr: string;
  readonly sourceAddrTon: number;
  readonly sourceAddrNpi: number;
  readonly destinationAddr: string;
  readonly destAddrTon: number;
  readonly destAddrNpi: number;
  readonly esmClass: number;
  readonly protocolId: number;
  readonly priorityFlag: number;
  /** As written: '' (immediately / SMSC default) or a 16-character SMPP time. */
  readonly scheduleDeliveryTime: string;
  readonly validityPeriod: string;
  readonly registeredDelivery: number;
  readonly replaceIfPresentFlag: number;
  readonly dataCoding: number;
  /** The short_message octets, UDH included. */
  readonly shortMessage: Buffer;
  /** The message_payload TLV, when the text came that way. */
  readonly messagePayload: Buffer | undefined;
  /** Length of the UDH (UDHL octet included) when esm_class has UDHI and the header parses. */
  readonly udhLength: number | undefined;
  /** Concatenation from the UDH (IE 0x00 or 0x08), when UDHI is set. */
  readonly concat: ConcatInfo | undefined;
  /** Concatenation from the sar_* TLVs, when all three are present. */
  readonly sar: ConcatInfo | undefined;
  /** The user data: short_message (or message_payload) without its UDH. */
  readonly userData: Buffer;
  /** The user data decoded for GSM (0), IA5 (1), Latin-1 (3) and UCS-2 (8); undefined otherwise. */
  readonly text: string | undefined;
  /** Every TLV as received (values copied). */
  readonly tlvs: readonly Tlv[];
}

/** Builds the record of an accepted submit_sm. */
export function recordSubmit(
  pdu: SubmitSm,
  details: { messageId: string; systemId: string; outcome: SubmitRecord['outcome'] },
): SubmitRecord {
  const shortMessage = Buffer.from(pdu.short_message);
  const payload = getTlv(pdu, TLV_TAGS.message_payload);
  const messagePayload = payload === undefined ? undefined : Buffer.from(payload);
  const content = shortMessage.length > 0 || messagePayload === undefined ? shortMessage : messagePayload;
  const udh = (pdu.esm_class & ESM_CLASS.UDHI) !== 0 ? parseUdh(content) : undefined;
  const userData = udh === undefined ? content : content.subarray(udh.headerLength);
  return {
    messageId: details.messageId,
    systemId: details.systemId,
    receivedAt: new Date(),
    outcome: details.outcome,
    serviceType: pdu.service_type,
    sourceAddr: pdu.source_addr,
    sourceAddrTon: pdu.source_addr_ton,
    sourceAddrNpi: pdu.source_addr_npi,
    destinationAddr: pdu.destination_addr,
    destAddrTon: pdu.dest_addr_ton,
    destAddrNpi: pdu.dest_addr_npi,
    esmClass: pdu.esm_class,
    protocolId: pdu.protocol_id,
    priorityFlag: pdu.priority_flag,
    scheduleDeliveryTime: pdu.schedule_delivery_time,
    validityPeriod: pdu.validity_period,
    registeredDelivery: pdu.registered_delivery,
    replaceIfPresentFlag: pdu.replace_if_present_flag,
    dataCoding: pdu.data_coding,
    shortMessage,
    messagePayload,
    udhLength: udh?.headerLength,
    concat: udh?.concat,
    sar: sarInfo(pdu),
    userData,
    text: decodeUserData(userData, pdu.data_coding),
    tlvs: pdu.tlvs.map((tlv) => ({ tag: tlv.tag, value: Buffer.from(tlv.value) })),
  };
}

/** Best-effort text of user data in `dataCoding`; undefined for binary codings or undecodable bytes. */
export function decodeUserData(bytes: Buffer, dataCoding: number): string | undefined {
  try {
    switch (dataCoding) {
      case DATA_CODING.DEFAULT:
        return decodeGsm7(bytes);
      case DATA_CODING.IA5:
      case DATA_CODING.LATIN1:
        return bytes.toString('latin1');
      case DATA_CODING.UCS2:
        return bytes.length % 2 === 0 ? Buffer.from(bytes).swap16().toString('utf16le') : undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
