import { formatDeliveryReceipt, type ReceiptStat } from '../smpp/delivery-receipt.js';
import { MESSAGE_STATES, type MessageState } from '../smpp/message-state.js';
import type { PduInit, SubmitSm, Tlv } from '../smpp/pdu.js';
import { DATA_CODING, ESM_CLASS, REGISTERED_DELIVERY } from '../smpp/pdu-flags.js';
import { TLV_TAGS } from '../smpp/tlv-tags.js';
import { cStringTlv, networkErrorCodeTlv, u8Tlv } from '../smpp/tlv-values.js';
import type { SimOutcome } from './smsc-sim-options.js';

/** Outcomes that end in a receipt, with its stat word, message_state and default `err`. */
const FINAL: Record<
  'delivered' | 'undelivered' | 'expired' | 'deleted',
  { stat: ReceiptStat; state: MessageState; err: string }
> = {
  delivered: { stat: 'DELIVRD', state: MESSAGE_STATES.DELIVERED, err: '000' },
  undelivered: { stat: 'UNDELIV', state: MESSAGE_STATES.UNDELIVERABLE, err: '001' },
  expired: { stat: 'EXPIRED', state: MESSAGE_STATES.EXPIRED, err: '000' },
  deleted: { stat: 'DELETED', state: MESSAGE_STATES.DELETED, err: '000' },
};

/**
 * Whether a message with this registered_delivery and outcome gets a receipt: 1 = on the final
 * outcome, 2 = on failure only, 3 (v5.0 meaning) = on success only; `silent` never does.
 */
export function wantsReceipt(registeredDelivery: number, outcome: SimOutcome): boolean {
  if (outcome === 'silent' || outcome === 'rejected') return false;
  switch (registeredDelivery & REGISTERED_DELIVERY.RECEIPT_MASK) {
    case REGISTERED_DELIVERY.RECEIPT_ON_FINAL:
      return true;
    case REGISTERED_DELIVERY.RECEIPT_ON_FAILURE:
      return outcome !== 'delivered';
    case 3:
      return outcome === 'delivered';
    default:
      return false;
  }
}

export interface ReceiptDetails {
  /** The id as the receipt writes it (text `id:` and receipted_message_id). */
  receiptId: string;
  outcome: 'delivered' | 'undelivered' | 'expired' | 'deleted';
  /** Overrides the outcome's default `err`. */
  err?: string | number | undefined;
  /** The message's text (its first 20 characters go into the receipt), when readable. */
  text: string | undefined;
  submitDate: Date;
  doneDate: Date;
}

/**
 * The deliver_sm carrying the receipt of `submit`: esm_class 0x04, Appendix B text in short_message
 * (data_coding 0, printable ASCII only), receipted_message_id and message_state TLVs, and for failures
 * a network_error_code (type 3, GSM) when `err` is numeric. Addresses are swapped: the handset is the
 * source, the original sender the destination.
 */
export function buildReceipt(submit: SubmitSm, details: ReceiptDetails): PduInit<'deliver_sm'> {
  const final = FINAL[details.outcome];
  const err = details.err ?? final.err;
  const text = formatDeliveryReceipt({
    id: details.receiptId,
    stat: final.stat,
    submitDate: details.submitDate,
    doneDate: details.doneDate,
    err,
    // Receipt text travels as data_coding 0; keep it to characters GSM and ASCII agree on.
    text: (details.text ?? '').slice(0, 20).replace(/[^A-Za-z0-9 .,:;!?'"()*+\-/%&#=<>]/g, '?'),
  });
  const tlvs: Tlv[] = [
    cStringTlv(TLV_TAGS.receipted_message_id, details.receiptId),
    u8Tlv(TLV_TAGS.message_state, final.state),
  ];
  const errCode = typeof err === 'number' ? err : /^\d{1,5}$/.test(err) ? Number(err) : undefined;
  if (details.outcome !== 'delivered' && errCode !== undefined && errCode > 0 && errCode <= 0xffff) {
    tlvs.push(networkErrorCodeTlv(3, errCode));
  }
  return {
    service_type: submit.service_type,
    source_addr_ton: submit.dest_addr_ton,
    source_addr_npi: submit.dest_addr_npi,
    source_addr: submit.destination_addr,
    dest_addr_ton: submit.source_addr_ton,
    dest_addr_npi: submit.source_addr_npi,
    destination_addr: submit.source_addr,
    esm_class: ESM_CLASS.SMSC_DELIVERY_RECEIPT,
    data_coding: DATA_CODING.DEFAULT,
    short_message: Buffer.from(text, 'latin1'),
    tlvs,
  };
}
