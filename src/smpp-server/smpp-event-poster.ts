import { SMPP_URL_SCHEME } from '../core/smpp-destination.js';
import { COMMAND_STATUS, isRetryableStatus, statusName } from '../smpp/command-status.js';
import type { SmppDelivery } from '../webhooks/formats/smpp-format.js';
import type { WebhookPoster } from '../webhooks/webhook-deliverer.js';
import type { WebhookOutcome, WebhookRequest } from '../webhooks/webhook-request.js';
import type { BindRegistry } from './bind-registry.js';
import { deliverSmOf } from './deliver-sm-builder.js';

/**
 * Delivers `smpp:` events: the webhook deliverer hands them here instead of to the HTTP client, and
 * the answer is told in its terms, so retries, ordering and expiry are the outbox's. No receiving
 * bind, a lost session, a timeout or a transient refusal (throttled, queue full, ESME_RX_T_APPN)
 * read as "receiver down": the account's SMPP destination backs off and is probed, and the server
 * wakes it as soon as a receiver binds. ESME_RX_P_APPN is permanent (the event is dead); any other
 * refusal backs off that event alone.
 */
export class SmppEventPoster implements WebhookPoster {
  constructor(private readonly binds: BindRegistry) {}

  async post(request: WebhookRequest): Promise<WebhookOutcome> {
    const accountId = request.url.slice(SMPP_URL_SCHEME.length);
    const bind = this.binds.receiverOf(accountId);
    if (!bind) return { kind: 'error', detail: 'no receiver or transceiver bind of the account is up' };
    const delivery = JSON.parse(request.body) as SmppDelivery;
    let commandStatus: number;
    try {
      const response = await bind.session.request('deliver_sm', deliverSmOf(delivery));
      commandStatus =
        response.command === 'generic_nack' ? COMMAND_STATUS.ESME_RSYSERR : response.commandStatus;
    } catch (error) {
      bind.counters.deliverFailed++;
      return { kind: 'error', detail: `deliver_sm not answered: ${(error as Error).message}` };
    }
    if (commandStatus === COMMAND_STATUS.ESME_ROK) {
      if (delivery.kind === 'receipt') bind.counters.receiptsSent++;
      else bind.counters.inboundSent++;
      return { kind: 'response', status: 200, detail: 'deliver_sm_resp ESME_ROK' };
    }
    bind.counters.deliverFailed++;
    const detail = `deliver_sm_resp ${statusName(commandStatus)}`;
    if (commandStatus === COMMAND_STATUS.ESME_RX_P_APPN) return { kind: 'refused', detail };
    const transient = isRetryableStatus(commandStatus) || commandStatus === COMMAND_STATUS.ESME_RX_T_APPN;
    return { kind: 'response', status: transient ? 503 : 400, detail };
  }
}
