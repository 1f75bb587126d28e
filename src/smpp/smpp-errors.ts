import { GatewayError } from '../core/errors.js';
import { COMMAND_STATUS } from './command-status.js';

/**
 * A PDU cannot be encoded: a field is out of its SMPP range (an over-long C-string, a NUL inside one,
 * a short_message over 254 octets…). Nothing was written, so the session is unaffected.
 */
export class SmppEncodeError extends GatewayError {
  constructor(message: string, field?: string) {
    super(400, 'smpp_encode_error', message, field === undefined ? undefined : { field });
  }
}

/** What the session needs to answer a PDU it could not decode. */
export interface PduDecodeFailure {
  /** The command_status to answer with (in the request's `_resp`, or generic_nack). */
  readonly commandStatus: number;
  /** True when the byte stream can no longer be trusted: answer, then close the connection. */
  readonly closeSession: boolean;
  /** The header's command_id, when the header was readable. */
  readonly commandId?: number | undefined;
  /** The header's sequence_number, when the header was readable; echo it in the answer. */
  readonly sequenceNumber?: number | undefined;
  /** The body field at fault, when there is one. */
  readonly field?: string | undefined;
}

/**
 * Bytes that do not form a valid PDU. Carries the command_status to answer with and whether the session
 * must close: a bad header loses the framing (close), a bad body only fails that one PDU.
 * Never answer a response PDU, whatever this says (check `commandId`).
 */
export class PduDecodeError extends GatewayError {
  readonly commandStatus: number;
  readonly closeSession: boolean;
  readonly commandId: number | undefined;
  readonly sequenceNumber: number | undefined;

  constructor(message: string, failure: PduDecodeFailure) {
    super(
      502,
      'smpp_decode_error',
      message,
      failure.field === undefined ? undefined : { field: failure.field },
    );
    this.commandStatus = failure.commandStatus;
    this.closeSession = failure.closeSession;
    this.commandId = failure.commandId;
    this.sequenceNumber = failure.sequenceNumber;
  }
}

/**
 * A command_length outside 16…maxPduLength: the stream cannot be resynchronised. Answer generic_nack
 * with ESME_RINVCMDLEN and close the connection.
 */
export class FramingError extends PduDecodeError {
  /** The command_length that was read. */
  readonly commandLength: number;

  constructor(commandLength: number, maxPduLength: number) {
    super(`Invalid command_length ${commandLength}: must be 16 to ${maxPduLength}; framing is lost`, {
      commandStatus: COMMAND_STATUS.ESME_RINVCMDLEN,
      closeSession: true,
    });
    this.commandLength = commandLength;
  }
}
