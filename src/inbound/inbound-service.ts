import { matchKeyword, type OptOutKeywords } from '../accounts/opt-out-keywords.js';
import type { OptOutRegistry } from '../accounts/opt-out-registry.js';
import type { Config } from '../config/schema.js';
import type { InboundMessage } from '../connectors/connector.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/open-store.js';
import { findAccount } from '../store/queries/accounts.js';
import {
  type InboundRow,
  latestMessagesTo,
  type OutboundCandidate,
  storeInbound,
} from '../store/queries/inbound.js';
import type { WebhookDeliverer } from '../webhooks/webhook-deliverer.js';
import { normaliseInboundAddress, sameAddress } from './inbound-addresses.js';

/**
 * Receives mobile-originated messages from every connector: finds the conversation each one
 * answers, applies opt-out keywords, stores it (with its webhook event) and hands the event to the
 * deliverer. Resolves only once everything is stored, so the connector acknowledges upstream then.
 */
export class InboundService {
  constructor(
    private readonly store: Store,
    private readonly webhooks: WebhookDeliverer,
    private readonly optOuts: OptOutRegistry,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  async receive(message: InboundMessage, now = Date.now()): Promise<InboundRow> {
    const from = normaliseInboundAddress(message.from, this.config.defaultRegion);
    const to = normaliseInboundAddress(message.to, this.config.defaultRegion);
    const conversation = this.conversationOf(await latestMessagesTo(this.store, from), to);
    const windowStart = message.receivedAt - this.config.inbound.correlationWindowSeconds * 1000;
    const answers = conversation && conversation.created_at >= windowStart ? conversation : undefined;
    const accountId = conversation?.account_id ?? null;
    const keyword = accountId !== null ? await this.keywordOf(accountId, message.text) : null;
    const row: InboundRow = {
      id: newId('in'),
      account_id: accountId,
      connector: message.connector,
      from_number: from,
      to_number: to,
      body: message.text,
      message_id: answers?.id ?? null,
      keyword,
      received_at: message.receivedAt,
    };
    const events = await storeInbound(this.store, { row, optOut: keyword }, now);
    if (accountId !== null && keyword === 'stop') this.optOuts.add(accountId, from);
    if (accountId !== null && keyword === 'start') this.optOuts.remove(accountId, from);
    this.webhooks.enqueue(events);
    this.logger.info(
      {
        inbound: row.id,
        connector: row.connector,
        account: accountId,
        inReplyTo: row.message_id,
        keyword,
        ...(this.config.logMessageContent ? { from, to, text: message.text } : {}),
      },
      'inbound message stored',
    );
    return row;
  }

  /**
   * The conversation a reply from a number to `replyTo` belongs to: the latest message to that
   * number sent from `replyTo`, or with no sender of its own (the connector's default).
   */
  private conversationOf(
    candidates: readonly OutboundCandidate[],
    replyTo: string,
  ): OutboundCandidate | undefined {
    return candidates.find((c) => c.sender === null || sameAddress(c.sender, replyTo));
  }

  private async keywordOf(accountId: string, text: string): Promise<'stop' | 'start' | null> {
    if (!this.config.optOut.enabled) return null;
    const account = await findAccount(this.store, accountId);
    const keywords: OptOutKeywords = account?.opt_out_keywords
      ? (JSON.parse(account.opt_out_keywords) as OptOutKeywords)
      : this.config.optOut.keywords;
    return matchKeyword(text, keywords);
  }
}
