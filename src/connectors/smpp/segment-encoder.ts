import { encodeGsm7, packSeptets } from '../../core/gsm7.js';
import { type Encoding, splitSegments } from '../../core/text-encoding.js';
import type { Tlv } from '../../smpp/pdu.js';
import { DATA_CODING, ESM_CLASS } from '../../smpp/pdu-flags.js';
import { TLV_TAGS } from '../../smpp/tlv-tags.js';
import { u8Tlv, u16Tlv } from '../../smpp/tlv-values.js';
import { buildConcatUdh } from '../../smpp/udh.js';
import type { SmppConnectorConfig } from './smpp-connector-config.js';

/** What varies between the submit_sm of one message's segments. */
export interface SegmentPayload {
  short_message: Buffer;
  esm_class: number;
  data_coding: number;
  tlvs: Tlv[];
}

type EncodingOptions = Pick<SmppConnectorConfig, 'gsmDataCoding' | 'gsmPacked' | 'latin1' | 'longMessages'>;

const LATIN1_ONLY = /^[\u0000-\u00ff]*$/;

/**
 * A binary message's one submit_sm: the user data as given (hex), data_coding 8-bit, and
 * esm_class UDHI when it begins with a UDH.
 */
export function encodeBinarySegment(hex: string, udhi: boolean): SegmentPayload {
  return {
    short_message: Buffer.from(hex, 'hex'),
    esm_class: udhi ? ESM_CLASS.UDHI : 0,
    data_coding: DATA_CODING.OCTET_UNSPECIFIED,
    tlvs: [],
  };
}

/**
 * Turns a text into the short_message, esm_class, data_coding and TLVs of each submit_sm: GSM as
 * (un)packed septets or UCS-2 (optionally Latin-1), long texts as UDH concatenation (8- or 16-bit
 * reference), SAR TLVs, or one message_payload. `reference` ties the segments together.
 */
export function encodeSegments(
  text: string,
  encoding: Encoding,
  options: EncodingOptions,
  reference: number,
): SegmentPayload[] {
  const latin1 = encoding === 'ucs2' && options.latin1 && LATIN1_ONLY.test(text);
  const dataCoding =
    encoding === 'gsm7' ? options.gsmDataCoding : latin1 ? DATA_CODING.LATIN1 : DATA_CODING.UCS2;
  const encode = (part: string, udhLength = 0): Buffer => {
    if (encoding === 'ucs2')
      return latin1 ? Buffer.from(part, 'latin1') : Buffer.from(part, 'utf16le').swap16();
    const septets = encodeGsm7(part);
    if (!options.gsmPacked) return septets;
    // After a header, septets start on a septet boundary: pad with fill bits (3GPP 23.040 §9.2.3.24).
    const padding = udhLength === 0 ? 0 : (7 - ((udhLength * 8) % 7)) % 7;
    return packSeptets(septets, padding);
  };

  if (options.longMessages === 'payload') {
    const whole = splitSegments(text, encoding).length === 1;
    if (whole) return [{ short_message: encode(text), esm_class: 0, data_coding: dataCoding, tlvs: [] }];
    return [
      {
        short_message: Buffer.alloc(0),
        esm_class: 0,
        data_coding: dataCoding,
        tlvs: [{ tag: TLV_TAGS.message_payload, value: encode(text) }],
      },
    ];
  }

  const udh16 = options.longMessages === 'udh16';
  // A 16-bit reference takes one more header octet: one septet / one UCS-2 unit less per segment.
  const parts = splitSegments(text, encoding, udh16 ? (encoding === 'gsm7' ? 152 : 66) : undefined);
  if (parts.length === 1)
    return [{ short_message: encode(text), esm_class: 0, data_coding: dataCoding, tlvs: [] }];

  return parts.map((part, index) => {
    const seqnum = index + 1;
    if (options.longMessages === 'sar') {
      return {
        short_message: encode(part),
        esm_class: 0,
        data_coding: dataCoding,
        tlvs: [
          u16Tlv(TLV_TAGS.sar_msg_ref_num, reference & 0xffff),
          u8Tlv(TLV_TAGS.sar_total_segments, parts.length),
          u8Tlv(TLV_TAGS.sar_segment_seqnum, seqnum),
        ],
      };
    }
    const udh = buildConcatUdh({
      reference: udh16 ? reference & 0xffff : reference & 0xff,
      total: parts.length,
      seqnum,
      refBits: udh16 ? 16 : 8,
    });
    return {
      short_message: Buffer.concat([udh, encode(part, udh.length)]),
      esm_class: ESM_CLASS.UDHI,
      data_coding: dataCoding,
      tlvs: [],
    };
  });
}
