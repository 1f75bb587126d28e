import { decodeContent, internationalize } from '../connectors/smpp/deliver-reader.js';
import type { Priority } from '../core/statuses.js';
import { COMMAND_STATUS } from '../smpp/command-status.js';
import type { DataSm, PduOf, SubmitSm } from '../smpp/pdu.js';
import { ESM_CLASS, REGISTERED_DELIVERY } from '../smpp/pdu-flags.js';
import { parseSmppTime } from '../smpp/smpp-time.js';
import { TLV_TAGS } from '../smpp/tlv-tags.js';
import { getTlv, sarInfo } from '../smpp/tlv-values.js';
import { parseUdh } from '../smpp/udh.js';

export type SubmitMulti = PduOf<'submit_multi'>;

/** Which receipts the client asked for (registered_delivery bits 1–0). */
export type ReceiptRequest = 'none' | 'final' | 'failure';

/** A submit_sm / data_sm / submit_multi in the gateway's terms, before the message service sees it. */
export interface ReadSubmit {
  /** Recipients as written (international numbers get their `+`). */
  readonly to: readonly string[];
  readonly from: string | undefined;
  /** This PDU's text (one part's, when `concat` is set). */
  readonly text: string;
  readonly receipts: ReceiptRequest;
  readonly scheduleAt: number | undefined;
  readonly validitySeconds: number | undefined;
  readonly priority: Priority;
  /** Present when this PDU is one part of a long message (UDH or SAR). */
  readonly concat?: { reference: number; total: number; seqnum: number };
}

/** A PDU the server refuses as written, with the command_status that says why. */
export class SubmitRefusal extends Error {
  constructor(
    readonly commandStatus: number,
    message: string,
  ) {
    super(message);
    this.name = 'SubmitRefusal';
  }
}

const PRIORITY_OF_FLAG: readonly Priority[] = ['normal', 'high', 'urgent', 'urgent'];
const MAX_VALIDITY_SECONDS = 30 * 24 * 3600;

/**
 * Reads a submit PDU: addresses by their TON, text by data_coding (UDH taken off, message_payload
 * preferred over short_message), long-message part info from the UDH or the SAR TLVs, the receipt
 * request, schedule and validity (absolute or relative SMPP times). Throws `SubmitRefusal`.
 */
export function readSubmit(pdu: SubmitSm | DataSm | SubmitMulti, now = new Date()): ReadSubmit {
  const payload = getTlv(pdu, TLV_TAGS.message_payload);
  const shortMessage = 'short_message' in pdu ? pdu.short_message : Buffer.alloc(0);
  if (payload && shortMessage.length > 0) {
    throw new SubmitRefusal(
      COMMAND_STATUS.ESME_RINVPARLEN,
      'short_message and message_payload must not both carry text',
    );
  }
  const body = payload ?? shortMessage;
  let content = body;
  let udhLength = 0;
  let concat: ReadSubmit['concat'];
  if (pdu.esm_class & ESM_CLASS.UDHI) {
    const udh = parseUdh(body);
    if (!udh) throw new SubmitRefusal(COMMAND_STATUS.ESME_RINVESMCLASS, 'UDHI is set but no valid UDH');
    udhLength = udh.headerLength;
    content = body.subarray(udh.headerLength);
    concat = udh.concat;
  }
  const sar = sarInfo(pdu);
  if (!concat && sar) concat = { reference: sar.reference, total: sar.total, seqnum: sar.seqnum };
  if (concat && (concat.total < 1 || concat.seqnum < 1 || concat.seqnum > concat.total)) {
    throw new SubmitRefusal(COMMAND_STATUS.ESME_RINVOPTPARAMVAL, 'part number outside 1…total');
  }
  if (concat?.total === 1) concat = undefined;

  const to =
    pdu.command === 'submit_multi'
      ? pdu.dest_addresses.map((dest) => {
          if (dest.dest_flag !== 1) {
            throw new SubmitRefusal(COMMAND_STATUS.ESME_RINVDLNAME, 'distribution lists are not supported');
          }
          return internationalize(dest.destination_addr, dest.dest_addr_ton);
        })
      : [internationalize(pdu.destination_addr, pdu.dest_addr_ton)];
  if (to.length === 0 || to.some((address) => address === '')) {
    throw new SubmitRefusal(COMMAND_STATUS.ESME_RINVDSTADR, 'no destination address');
  }
  const from = pdu.source_addr === '' ? undefined : internationalize(pdu.source_addr, pdu.source_addr_ton);

  const receiptBits = pdu.registered_delivery & REGISTERED_DELIVERY.RECEIPT_MASK;
  const receipts: ReceiptRequest =
    receiptBits === REGISTERED_DELIVERY.RECEIPT_ON_FINAL
      ? 'final'
      : receiptBits === REGISTERED_DELIVERY.RECEIPT_ON_FAILURE
        ? 'failure'
        : 'none';

  let scheduleAt: number | undefined;
  let validitySeconds: number | undefined;
  if (pdu.command !== 'data_sm') {
    scheduleAt = timeOf(pdu.schedule_delivery_time, now, COMMAND_STATUS.ESME_RINVSCHED);
    const expiresAt = timeOf(pdu.validity_period, now, COMMAND_STATUS.ESME_RINVEXPIRY);
    if (expiresAt !== undefined) {
      const seconds = Math.round((expiresAt - (scheduleAt ?? now.getTime())) / 1000);
      if (seconds < 1)
        throw new SubmitRefusal(COMMAND_STATUS.ESME_RINVEXPIRY, 'validity ends before delivery');
      validitySeconds = Math.min(seconds, MAX_VALIDITY_SECONDS);
    }
  }
  const priorityFlag = pdu.command === 'data_sm' ? 0 : pdu.priority_flag;
  if (priorityFlag > 3) throw new SubmitRefusal(COMMAND_STATUS.ESME_RINVPRTFLG, 'priority_flag above 3');

  return {
    to,
    from,
    text: decodeContent(content, pdu.data_coding, false, udhLength, body.length),
    receipts,
    scheduleAt,
    validitySeconds,
    priority: PRIORITY_OF_FLAG[priorityFlag]!,
    ...(concat ? { concat } : {}),
  };
}

function timeOf(text: string, now: Date, status: number): number | undefined {
  try {
    return parseSmppTime(text, now)?.getTime();
  } catch {
    throw new SubmitRefusal(status, 'not an SMPP time');
  }
}
