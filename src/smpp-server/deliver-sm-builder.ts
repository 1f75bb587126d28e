import { isGsm7Char } from '../core/gsm7.js';
import { encodeText } from '../core/text-encoding.js';
import { formatDeliveryReceipt } from '../smpp/delivery-receipt.js';
import { messageStateOfStat } from '../smpp/message-state.js';
import type { PduInit } from '../smpp/pdu.js';
import { DATA_CODING, ESM_CLASS, NPI, TON } from '../smpp/pdu-flags.js';
import { SHORT_MESSAGE_MAX } from '../smpp/pdu-layouts.js';
import { TLV_TAGS } from '../smpp/tlv-tags.js';
import { cStringTlv, u8Tlv } from '../smpp/tlv-values.js';
import type { SmppDelivery } from '../webhooks/formats/smpp-format.js';
import { smppMessageId } from './smpp-message-id.js';

interface Address {
  addr: string;
  ton: number;
  npi: number;
}

/** E.164 numbers go as international digits; anything else (a short code, a name) as it is. */
function addressOf(value: string): Address {
  if (/^\+\d+$/.test(value)) return { addr: value.slice(1), ton: TON.INTERNATIONAL, npi: NPI.ISDN };
  if (value === '') return { addr: '', ton: TON.UNKNOWN, npi: NPI.UNKNOWN };
  if (/^\d+$/.test(value)) return { addr: value, ton: TON.UNKNOWN, npi: NPI.ISDN };
  return { addr: value.slice(0, 20), ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN };
}

/**
 * Receipt text is read as ASCII by some clients and as the GSM default alphabet by others: in the
 * text excerpt, only characters both read alike are kept, anything else becomes `?`.
 */
function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x23\x25-\x3f\x41-\x5a\x61-\x7a]/g, '?');
}

/**
 * The deliver_sm for a receipt or an inbound message. A receipt: esm_class "SMSC delivery
 * receipt", the Appendix B text (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…
 * text:…`), and the receipted_message_id and message_state TLVs; from the handset to the original
 * sender. An inbound message: GSM (one septet per octet) when it fits the alphabet, else UCS-2;
 * in message_payload when it is too long for short_message.
 */
export function deliverSmOf(delivery: SmppDelivery): PduInit<'deliver_sm'> {
  if (delivery.kind === 'receipt') {
    const source = addressOf(delivery.to);
    const destination = addressOf(delivery.from);
    const text = formatDeliveryReceipt({
      id: smppMessageId(delivery.messageId),
      stat: delivery.stat,
      err: delivery.err,
      submitDate: new Date(delivery.submittedAt),
      doneDate: new Date(delivery.doneAt),
      text: asciiOnly(delivery.textStart),
    });
    const state = messageStateOfStat(delivery.stat);
    return {
      source_addr: source.addr,
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      destination_addr: destination.addr,
      dest_addr_ton: destination.ton,
      dest_addr_npi: destination.npi,
      esm_class: ESM_CLASS.SMSC_DELIVERY_RECEIPT,
      data_coding: DATA_CODING.DEFAULT,
      short_message: Buffer.from(text, 'latin1'),
      tlvs: [
        cStringTlv(TLV_TAGS.receipted_message_id, smppMessageId(delivery.messageId)),
        ...(state === undefined ? [] : [u8Tlv(TLV_TAGS.message_state, state)]),
      ],
    };
  }
  const source = addressOf(delivery.from);
  const destination = addressOf(delivery.to);
  const gsm = [...delivery.text].every(isGsm7Char);
  const content = encodeText(delivery.text, gsm ? 'gsm7' : 'ucs2');
  const fits = content.length <= SHORT_MESSAGE_MAX;
  return {
    source_addr: source.addr,
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    destination_addr: destination.addr,
    dest_addr_ton: destination.ton,
    dest_addr_npi: destination.npi,
    esm_class: ESM_CLASS.MODE_DEFAULT,
    data_coding: gsm ? DATA_CODING.DEFAULT : DATA_CODING.UCS2,
    short_message: fits ? content : Buffer.alloc(0),
    tlvs: fits ? [] : [{ tag: TLV_TAGS.message_payload, value: content }],
  };
}
