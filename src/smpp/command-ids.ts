/**
 * SMPP 3.4 command_id values (spec §5.1.2.1). A response id is its request id with bit 31 set; only
 * generic_nack has no request, and outbind and alert_notification have no response.
 */
export const COMMAND_IDS = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

/** Every PDU name the codec knows. */
export type CommandName = keyof typeof COMMAND_IDS;
/** Every command_id the codec knows. */
export type CommandId = (typeof COMMAND_IDS)[CommandName];
/** Names of the responses (generic_nack included). */
export type ResponseName = Extract<CommandName, `${string}_resp`> | 'generic_nack';
/** Names of the requests (outbind and alert_notification included, though nothing answers them). */
export type RequestName = Exclude<CommandName, ResponseName>;
/** The response name of request `C`, or never when `C` has no response. */
export type ResponseNameOf<C extends CommandName> = `${C}_resp` extends CommandName ? `${C}_resp` : never;

/** All command names, in table order. */
export const COMMAND_NAMES = Object.keys(COMMAND_IDS) as readonly CommandName[];

const RESPONSE_BIT = 0x80000000;

const NAME_BY_ID = new Map<number, CommandName>(COMMAND_NAMES.map((name) => [COMMAND_IDS[name], name]));

/** Whether `value` is a command name this codec knows. */
export function isCommandName(value: string): value is CommandName {
  return Object.hasOwn(COMMAND_IDS, value);
}

/** The name of a command_id, or undefined for an id SMPP 3.4 does not define. */
export function commandNameOf(commandId: number): CommandName | undefined {
  return NAME_BY_ID.get(commandId);
}

/** Whether a command (by id or name) is a response; generic_nack counts as one. */
export function isResponse(command: number | CommandName): boolean {
  const id = typeof command === 'number' ? command : COMMAND_IDS[command];
  return (id & RESPONSE_BIT) !== 0;
}

/** The command_id that answers `requestId` (bit 31 set), whether or not SMPP defines that response. */
export function responseIdOf(requestId: number): number {
  return (requestId | RESPONSE_BIT) >>> 0;
}

/** The name of the response to `request`, or undefined for outbind, alert_notification and responses. */
export function responseNameOf<C extends CommandName>(request: C): ResponseNameOf<C> | undefined {
  if (isResponse(request)) return undefined;
  const name = `${request}_resp`;
  return isCommandName(name) ? (name as ResponseNameOf<C>) : undefined;
}
