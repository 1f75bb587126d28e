import { GatewayError, ValidationErrors } from '../core/errors.js';
import { COMMAND_STATUS } from '../smpp/command-status.js';
import { SubmitRefusal } from './submit-reader.js';

/** command_status per field the message service names in a 400 (the first bad field decides). */
const STATUS_OF_FIELD: Readonly<Record<string, number>> = {
  to: COMMAND_STATUS.ESME_RINVDSTADR,
  from: COMMAND_STATUS.ESME_RINVSRCADR,
  text: COMMAND_STATUS.ESME_RINVMSGLEN,
  scheduleAt: COMMAND_STATUS.ESME_RINVSCHED,
  validitySeconds: COMMAND_STATUS.ESME_RINVEXPIRY,
};

/** command_status per stable gateway error code. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  rate_limited: COMMAND_STATUS.ESME_RTHROTTLED,
  queue_full: COMMAND_STATUS.ESME_RMSGQFUL,
  store_unavailable: COMMAND_STATUS.ESME_RSYSERR,
  sender_not_allowed: COMMAND_STATUS.ESME_RINVSRCADR,
  opted_out: COMMAND_STATUS.ESME_RINVDSTADR,
  quota_exceeded: COMMAND_STATUS.ESME_RSUBMITFAIL,
  insufficient_balance: COMMAND_STATUS.ESME_RSUBMITFAIL,
};

/**
 * The command_status a failed submit is answered with. Over the account's rate: ESME_RTHROTTLED
 * (clients slow down and resend); queue full: ESME_RMSGQFUL; the store failing: ESME_RSYSERR;
 * a bad destination: ESME_RINVDSTADR; anything the gateway did not expect: ESME_RSYSERR.
 */
export function commandStatusOfError(error: unknown): number {
  if (error instanceof SubmitRefusal) return error.commandStatus;
  if (!(error instanceof GatewayError)) return COMMAND_STATUS.ESME_RSYSERR;
  const byCode = STATUS_OF_CODE[error.code];
  if (byCode !== undefined) return byCode;
  if (error.status === 400) {
    const first = error instanceof ValidationErrors ? error.errors[0] : error;
    const field = first?.field ?? '';
    // Recipients of submit_multi are named to[i].
    const byField = STATUS_OF_FIELD[field.replace(/\[\d+\]$/, '')];
    return byField ?? COMMAND_STATUS.ESME_RSUBMITFAIL;
  }
  if (error.status === 429) return COMMAND_STATUS.ESME_RTHROTTLED;
  if (error.status === 503) return COMMAND_STATUS.ESME_RMSGQFUL;
  if (error.status === 402 || error.status === 403) return COMMAND_STATUS.ESME_RSUBMITFAIL;
  return COMMAND_STATUS.ESME_RSYSERR;
}
