import type { CommandName } from './command-ids.js';
import { COMMAND_STATUS as S } from './command-status.js';

/**
 * The mandatory body of every PDU, field by field in wire order (SMPP 3.4 chapter 4). The codec walks
 * these tables and the PDU types in `pdu.ts` are derived from them, so the two cannot drift apart.
 */

/** An unsigned octet. `default` is what `createPdu` fills in. */
export interface U8Field<N extends string = string> {
  readonly name: N;
  readonly kind: 'u8';
  readonly default: number;
}

/**
 * A C-Octet String of at most `max` octets including its NUL. `time` fields are SMPP times: empty or
 * exactly 16 characters. `status` is what a too-long value on the wire is answered with.
 */
export interface CStringField<N extends string = string> {
  readonly name: N;
  readonly kind: 'cstring' | 'time';
  readonly max: number;
  readonly status: number;
}

/**
 * A field with its own wire shape: `short_message` (sm_length octet + bytes), `dest_addresses`
 * (submit_multi: number_of_dests + dest_address entries), `unsuccess_smes` (submit_multi_resp:
 * no_unsuccess + unsuccess_sme entries).
 */
export interface ComplexField<N extends string = string> {
  readonly name: N;
  readonly kind: 'short_message' | 'dest_addresses' | 'unsuccess_smes';
}

export type FieldSpec = U8Field | CStringField | ComplexField;

function u8<N extends string>(name: N, defaultValue = 0): U8Field<N> {
  return { name, kind: 'u8', default: defaultValue };
}

function cstring<N extends string>(
  name: N,
  max: number,
  status: number,
): CStringField<N> & { kind: 'cstring' } {
  return { name, kind: 'cstring', max, status };
}

function time<N extends string>(name: N, status: number): CStringField<N> & { kind: 'time' } {
  return { name, kind: 'time', max: 17, status };
}

function complex<N extends string, K extends ComplexField['kind']>(
  name: N,
  kind: K,
): ComplexField<N> & { kind: K } {
  return { name, kind };
}

/** The interface_version a 3.4 ESME binds with. */
export const SMPP_VERSION_34 = 0x34;

const BIND = [
  cstring('system_id', 16, S.ESME_RINVSYSID),
  cstring('password', 9, S.ESME_RINVPASWD),
  cstring('system_type', 13, S.ESME_RINVSYSTYP),
  u8('interface_version', SMPP_VERSION_34),
  u8('addr_ton'),
  u8('addr_npi'),
  // No status names address_range; a bind it breaks is a failed bind.
  cstring('address_range', 41, S.ESME_RBINDFAIL),
] as const;

const BIND_RESP = [cstring('system_id', 16, S.ESME_RINVSYSID)] as const;
const MESSAGE_ID = cstring('message_id', 65, S.ESME_RINVMSGID);
const SERVICE_TYPE = cstring('service_type', 6, S.ESME_RINVSERTYP);
const SOURCE = [
  u8('source_addr_ton'),
  u8('source_addr_npi'),
  cstring('source_addr', 21, S.ESME_RINVSRCADR),
] as const;
const DEST = [
  u8('dest_addr_ton'),
  u8('dest_addr_npi'),
  cstring('destination_addr', 21, S.ESME_RINVDSTADR),
] as const;
const SCHEDULE = time('schedule_delivery_time', S.ESME_RINVSCHED);
const VALIDITY = time('validity_period', S.ESME_RINVEXPIRY);
const SHORT_MESSAGE = complex('short_message', 'short_message');

// submit_sm and deliver_sm share this layout; deliver_sm leaves schedule, validity, replace flag and
// sm_default_msg_id empty.
const SM = [
  SERVICE_TYPE,
  ...SOURCE,
  ...DEST,
  u8('esm_class'),
  u8('protocol_id'),
  u8('priority_flag'),
  SCHEDULE,
  VALIDITY,
  u8('registered_delivery'),
  u8('replace_if_present_flag'),
  u8('data_coding'),
  u8('sm_default_msg_id'),
  SHORT_MESSAGE,
] as const;

/** Body layout per command. Responses with nothing after the header have an empty layout. */
export const PDU_LAYOUTS = {
  generic_nack: [],
  bind_receiver: BIND,
  bind_receiver_resp: BIND_RESP,
  bind_transmitter: BIND,
  bind_transmitter_resp: BIND_RESP,
  query_sm: [MESSAGE_ID, ...SOURCE],
  query_sm_resp: [MESSAGE_ID, time('final_date', S.ESME_RINVPARLEN), u8('message_state'), u8('error_code')],
  submit_sm: SM,
  submit_sm_resp: [MESSAGE_ID],
  deliver_sm: SM,
  deliver_sm_resp: [MESSAGE_ID],
  unbind: [],
  unbind_resp: [],
  replace_sm: [
    MESSAGE_ID,
    ...SOURCE,
    SCHEDULE,
    VALIDITY,
    u8('registered_delivery'),
    u8('sm_default_msg_id'),
    SHORT_MESSAGE,
  ],
  replace_sm_resp: [],
  cancel_sm: [SERVICE_TYPE, MESSAGE_ID, ...SOURCE, ...DEST],
  cancel_sm_resp: [],
  bind_transceiver: BIND,
  bind_transceiver_resp: BIND_RESP,
  outbind: [cstring('system_id', 16, S.ESME_RINVSYSID), cstring('password', 9, S.ESME_RINVPASWD)],
  enquire_link: [],
  enquire_link_resp: [],
  submit_multi: [
    SERVICE_TYPE,
    ...SOURCE,
    complex('dest_addresses', 'dest_addresses'),
    u8('esm_class'),
    u8('protocol_id'),
    u8('priority_flag'),
    SCHEDULE,
    VALIDITY,
    u8('registered_delivery'),
    u8('replace_if_present_flag'),
    u8('data_coding'),
    u8('sm_default_msg_id'),
    SHORT_MESSAGE,
  ],
  submit_multi_resp: [MESSAGE_ID, complex('unsuccess_smes', 'unsuccess_smes')],
  // data_sm and alert_notification allow 65-octet addresses, unlike the 21 of submit_sm.
  alert_notification: [
    u8('source_addr_ton'),
    u8('source_addr_npi'),
    cstring('source_addr', 65, S.ESME_RINVSRCADR),
    u8('esme_addr_ton'),
    u8('esme_addr_npi'),
    cstring('esme_addr', 65, S.ESME_RINVPARLEN),
  ],
  data_sm: [
    SERVICE_TYPE,
    u8('source_addr_ton'),
    u8('source_addr_npi'),
    cstring('source_addr', 65, S.ESME_RINVSRCADR),
    u8('dest_addr_ton'),
    u8('dest_addr_npi'),
    cstring('destination_addr', 65, S.ESME_RINVDSTADR),
    u8('esm_class'),
    u8('registered_delivery'),
    u8('data_coding'),
  ],
  data_sm_resp: [MESSAGE_ID],
} as const satisfies Record<CommandName, readonly FieldSpec[]>;

/** Limits of the complex fields (spec §4.4.1 short_message, §4.5.1 submit_multi). */
export const SHORT_MESSAGE_MAX = 254;
export const MAX_DESTS = 254;
export const DEST_ADDR_MAX = 21;
export const DL_NAME_MAX = 21;

const EMPTY = Buffer.alloc(0);

/** A field's empty value: its default octet, '', no bytes or no entries. */
export function emptyFieldValue(field: FieldSpec): number | string | Buffer | never[] {
  switch (field.kind) {
    case 'u8':
      return field.default;
    case 'cstring':
    case 'time':
      return '';
    case 'short_message':
      return EMPTY;
    case 'dest_addresses':
    case 'unsuccess_smes':
      return [];
  }
}
