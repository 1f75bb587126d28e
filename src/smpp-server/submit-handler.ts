import type { Principal } from '../accounts/roles.js';
import type { Logger } from '../core/logger.js';
import { runInRequestContext } from '../core/request-context.js';
import type { SendInput } from '../core/send-input.js';
import type { MessageService } from '../messages/message-service.js';
import { canTransmit } from '../smpp/bind-modes.js';
import { COMMAND_STATUS } from '../smpp/command-status.js';
import type { Pdu } from '../smpp/pdu.js';
import type { Bind } from './bind-registry.js';
import { commandStatusOfError } from './command-status-of-error.js';
import type { LongMessageAssembler } from './long-message-assembler.js';
import { smppMessageId } from './smpp-message-id.js';
import { readSubmit } from './submit-reader.js';

const SUBMIT_COMMANDS = new Set(['submit_sm', 'data_sm', 'submit_multi']);

/**
 * Answers a bound client's requests: submit_sm, data_sm and submit_multi go through the message
 * service (validation, quotas, rate limits, routing, opt-out — as HTTP sends do) and are answered
 * with the message id only once the message is committed. Submits of one window are sent to the
 * service together, so they share its group commit. At most `receiveWindow` submits of one bind
 * wait at once; past that the client is told ESME_RTHROTTLED.
 */
export class SubmitHandler {
  private stopped = false;

  constructor(
    private readonly messages: MessageService,
    private readonly assembler: LongMessageAssembler,
    private readonly receiveWindow: number,
    private readonly logger: Logger,
  ) {}

  handle(bind: Bind, principal: Principal, pdu: Pdu): void {
    const { session } = bind;
    if (!SUBMIT_COMMANDS.has(pdu.command)) {
      session.respondError(pdu, COMMAND_STATUS.ESME_RINVCMDID);
      return;
    }
    if (!canTransmit(session.state)) {
      session.respondError(pdu, COMMAND_STATUS.ESME_RINVBNDSTS);
      return;
    }
    bind.counters.submitted++;
    // A stopping gateway takes nothing new: the client resends it to whoever serves next.
    if (this.stopped || bind.pendingSubmits >= this.receiveWindow) {
      bind.counters.throttled++;
      session.respondError(pdu, COMMAND_STATUS.ESME_RTHROTTLED);
      return;
    }
    bind.pendingSubmits++;
    // The SMPP request's id in history and logs: the bind and the PDU's sequence number.
    const context = { requestId: `smpp-${bind.id}-${pdu.sequenceNumber}`, dialect: 'smpp' };
    runInRequestContext(context, () => this.submit(principal, pdu)).then(
      (messageId) => {
        bind.pendingSubmits--;
        bind.counters.accepted++;
        const response = `${pdu.command}_resp` as 'submit_sm_resp' | 'data_sm_resp' | 'submit_multi_resp';
        session.respond(pdu, response, { message_id: smppMessageId(messageId) });
      },
      (error: unknown) => {
        bind.pendingSubmits--;
        const commandStatus = commandStatusOfError(error);
        if (commandStatus === COMMAND_STATUS.ESME_RTHROTTLED) bind.counters.throttled++;
        else bind.counters.refused++;
        if (commandStatus === COMMAND_STATUS.ESME_RSYSERR) {
          this.logger.error({ err: error, bind: bind.id, account: bind.accountId }, 'SMPP submit failed');
        }
        session.respondError(pdu, commandStatus);
      },
    );
  }

  /** Refuses new submits (ESME_RTHROTTLED) from now on; those under way are still answered. */
  stop(): void {
    this.stopped = true;
  }

  private async submit(principal: Principal, pdu: Pdu): Promise<string> {
    if (pdu.command !== 'submit_sm' && pdu.command !== 'data_sm' && pdu.command !== 'submit_multi') {
      throw new Error(`not a submit: ${pdu.command}`);
    }
    const read = readSubmit(pdu);
    const input: SendInput = {
      to: read.to,
      from: read.from,
      text: read.text,
      scheduleAt: read.scheduleAt,
      validitySeconds: read.validitySeconds,
      priority: read.priority,
      smppReceipts: read.receipts === 'none' ? undefined : read.receipts,
    };
    if (read.concat && read.to.length === 1) {
      return this.assembler.accept(principal, input, { ...read.concat, text: read.text });
    }
    const outcome = await this.messages.send(principal, input);
    // submit_multi has one message_id for all its destinations: the first message's (the others'
    // receipts name their own ids).
    return outcome.sends[0]!.messages[0]!.id;
  }
}
