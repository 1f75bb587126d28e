/**
 * SMPP 3.4 command_status codes (spec §5.1.3), named as in the spec. 0x0400–0x04FF are reserved for
 * SMSC vendors and have no names here; {@link statusName} prints them in hex.
 */
export const COMMAND_STATUS = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RCANCELFAIL: 0x11,
  ESME_RREPLACEFAIL: 0x13,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVNUMDESTS: 0x33,
  ESME_RINVDLNAME: 0x34,
  ESME_RINVDESTFLAG: 0x40,
  ESME_RINVSUBREP: 0x42,
  ESME_RINVESMCLASS: 0x43,
  ESME_RCNTSUBDL: 0x44,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RINVREPFLAG: 0x54,
  ESME_RINVNUMMSGS: 0x55,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RINVDFTMSGID: 0x63,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;

export type CommandStatusName = keyof typeof COMMAND_STATUS;
export type CommandStatus = (typeof COMMAND_STATUS)[CommandStatusName];

const NAME_BY_CODE = new Map<number, CommandStatusName>(
  (Object.keys(COMMAND_STATUS) as CommandStatusName[]).map((name) => [COMMAND_STATUS[name], name]),
);

/**
 * Statuses worth retrying: the failure is about the moment or the session, not the message.
 * Everything else (bad addresses, bad flags, bad TLVs, rejected by the application) fails the same way
 * on every attempt. Callers still cap attempts: a provider can misuse any of these.
 */
const RETRYABLE: ReadonlySet<number> = new Set<number>([
  // The SMSC asks us to slow down; the same submit succeeds once we do.
  COMMAND_STATUS.ESME_RTHROTTLED,
  // The SMSC's queue (or ours, for this destination) is full right now; it drains.
  COMMAND_STATUS.ESME_RMSGQFUL,
  // An internal SMSC fault (database, routing table reload); Kannel and most providers retry it.
  COMMAND_STATUS.ESME_RSYSERR,
  // "Temporary application error" by definition; the receiver wants the message again later.
  COMMAND_STATUS.ESME_RX_T_APPN,
  // Delivery to the handset failed downstream (absent subscriber, network fault); often transient.
  COMMAND_STATUS.ESME_RDELIVERYFAILURE,
  // The SMSC could not say what went wrong, so a permanent failure is not established.
  COMMAND_STATUS.ESME_RUNKNOWNERR,
  // Generic submission failure; providers use it for transient trouble (routing, upstream link down).
  COMMAND_STATUS.ESME_RSUBMITFAIL,
  // Our bind is not in the state the SMSC expected (e.g. it dropped us); rebinding fixes it.
  COMMAND_STATUS.ESME_RINVBNDSTS,
]);

/** The spec name of a status (`ESME_RTHROTTLED`), or `0x…` (8 hex digits) for one it does not define. */
export function statusName(code: number): string {
  return NAME_BY_CODE.get(code) ?? `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Whether a failed submission with this status may succeed if sent again later. ESME_ROK is not. */
export function isRetryableStatus(code: number): boolean {
  return RETRYABLE.has(code);
}
