import type { CommandName } from './command-ids.js';
import { emptyFieldValue, type FieldSpec, PDU_LAYOUTS } from './pdu-layouts.js';

/**
 * The PDU model: one object per PDU, discriminated by `command`, with the spec's snake_case field names
 * (derived from `PDU_LAYOUTS`), the header's status and sequence number, and the TLVs in wire order.
 *
 * Buffers in a decoded PDU (short_message, TLV values) are views into the frame they came from, which
 * may be a socket chunk: copy them (`Buffer.from(view)`) to keep them beyond the PDU's handling.
 */

/** One optional parameter as it appeared on the wire; unknown and vendor tags are kept too. */
export interface Tlv {
  tag: number;
  value: Buffer;
}

/** A submit_multi destination: an SME address (dest_flag 1) or a distribution list name (dest_flag 2). */
export type DestAddress =
  | { dest_flag: 1; dest_addr_ton: number; dest_addr_npi: number; destination_addr: string }
  | { dest_flag: 2; dl_name: string };

/** A destination submit_multi_resp reports as failed, with its own command_status. */
export interface UnsuccessSme {
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  error_status_code: number;
}

type FieldValue<F extends FieldSpec> = F['kind'] extends 'u8'
  ? number
  : F['kind'] extends 'cstring' | 'time'
    ? string
    : F['kind'] extends 'short_message'
      ? Buffer
      : F['kind'] extends 'dest_addresses'
        ? DestAddress[]
        : UnsuccessSme[];

type Layout<C extends CommandName> = (typeof PDU_LAYOUTS)[C][number];

/** The mandatory body fields of command `C`. */
export type PduBody<C extends CommandName> = { [F in Layout<C> as F['name']]: FieldValue<F> };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The PDU of command `C`. */
export type PduOf<C extends CommandName> = Simplify<
  {
    command: C;
    /** 0 in requests; the outcome in responses. */
    commandStatus: number;
    sequenceNumber: number;
  } & PduBody<C> & { tlvs: Tlv[] }
>;

/** Any PDU the codec knows; narrow on `command`. */
export type Pdu = { [C in CommandName]: PduOf<C> }[CommandName];

export type BindTransmitter = PduOf<'bind_transmitter'>;
export type BindReceiver = PduOf<'bind_receiver'>;
export type BindTransceiver = PduOf<'bind_transceiver'>;
export type SubmitSm = PduOf<'submit_sm'>;
export type SubmitSmResp = PduOf<'submit_sm_resp'>;
export type DeliverSm = PduOf<'deliver_sm'>;
export type DeliverSmResp = PduOf<'deliver_sm_resp'>;
export type DataSm = PduOf<'data_sm'>;
export type QuerySmResp = PduOf<'query_sm_resp'>;

/** What `createPdu` accepts: any subset of the fields; the command comes from the first argument. */
export type PduInit<C extends CommandName> = Partial<Omit<PduOf<C>, 'command'>>;

/**
 * Builds a PDU of `command` from the fields given, filling the rest with the spec's empty values
 * (0, '' , no bytes, no TLVs; interface_version 0x34 in binds). sequenceNumber defaults to 0, for the
 * session to assign.
 */
export function createPdu<C extends CommandName>(command: C, init: PduInit<C> = {}): PduOf<C> {
  const given = init as Record<string, unknown>;
  const pdu: Record<string, unknown> = {
    command,
    commandStatus: init.commandStatus ?? 0,
    sequenceNumber: init.sequenceNumber ?? 0,
  };
  for (const field of PDU_LAYOUTS[command] as readonly FieldSpec[]) {
    pdu[field.name] = given[field.name] ?? emptyFieldValue(field);
  }
  pdu.tlvs = init.tlvs ?? [];
  return pdu as PduOf<C>;
}
