import { matchKeyword, type OptOutKeywords } from '../accounts/opt-out-keywords.js';
import type { OptOutRegistry } from '../accounts/opt-out-registry.js';
import type { SenderNumbers } from '../accounts/sender-numbers.js';
import type { Config } from '../config/schema.js';
import type { InboundMessage } from '../connectors/connector.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/open-store.js';
import { findAccount } from '../store/queries/accounts.js';
import {
  conversationCandidates,
  type InboundRow,
  type OutboundCandidate,
  storeInbound,
} from '../store/queries/inbound.js';
import {
  type InboundPartRow,
  loadInboundParts,
  staleInboundPartKeys,
  storeInboundPart,
} from '../store/queries/inbound-parts.js';
import type { WebhookDeliverer } from '../webhooks/webhook-deliverer.js';
import { addressReadings, senderSpellings } from './inbound-addresses.js';
import { KeyedSerializer } from './keyed-serializer.js';

/**
 * Receives mobile-originated messages from every connector: finds the conversation each one
 * answers, applies opt-out keywords, stores it (with its webhook event) and hands the event to the
 * deliverer. Resolves only once everything is stored, so the connector acknowledges upstream then.
 */
export class InboundService {
  /**
   * One task at a time per concatenated message (its part key, `partKeyOf`): a part stored, or its
   * release. Public so a test can hold a key and force the order two tasks run in.
   */
  readonly partLocks = new KeyedSerializer();

  constructor(
    private readonly store: Store,
    private readonly webhooks: WebhookDeliverer,
    private readonly optOuts: OptOutRegistry,
    private readonly senderNumbers: SenderNumbers,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /**
   * Stores an inbound message, or one part of a concatenated one: a part is stored on its own
   * until its message is complete, then the whole message is stored (and the parts deleted) at
   * once. Returns the stored message, or null for a part that completes nothing yet.
   */
  async receive(message: InboundMessage, now = Date.now()): Promise<InboundRow | null> {
    const concat = message.concat;
    if (concat && concat.total > 1 && concat.seqnum >= 1 && concat.seqnum <= concat.total) {
      const from = message.from.trim();
      const to = message.to.trim();
      const partKey = partKeyOf(message.connector, from, to, concat);
      // One part at a time per message, so two parts arriving together cannot both miss completion.
      return this.partLocks.run(partKey, async () => {
        const parts = await storeInboundPart(this.store, {
          part_key: partKey,
          seqnum: concat.seqnum,
          total: concat.total,
          connector: message.connector,
          from_number: from,
          to_number: to,
          body: message.text,
          received_at: message.receivedAt,
        });
        if (parts.length < concat.total) return null;
        return this.storeWhole(
          { ...message, text: assemble(parts, concat.total), receivedAt: parts[0]!.received_at },
          now,
          partKey,
        );
      });
    }
    return this.storeWhole(message, now);
  }

  /**
   * Stores the messages whose parts stopped coming: after `inbound.partsMaxWaitSeconds` a message
   * is stored as it stands, missing parts shown as "…", never dropped.
   */
  async releaseStaleParts(now = Date.now()): Promise<number> {
    const keys = await staleInboundPartKeys(this.store, now - this.config.inbound.partsMaxWaitSeconds * 1000);
    let released = 0;
    for (const partKey of keys) {
      await this.partLocks.run(partKey, async () => {
        // Read again under the lock: the last part may have completed the message meanwhile.
        const parts = await loadInboundParts(this.store, partKey);
        const first = parts[0];
        if (!first) return;
        released++;
        await this.storeWhole(
          {
            connector: first.connector,
            from: first.from_number,
            to: first.to_number,
            text: assemble(parts, first.total),
            receivedAt: first.received_at,
          },
          now,
          partKey,
        );
      });
    }
    return released;
  }

  private async storeWhole(
    message: InboundMessage,
    now: number,
    assembledFrom?: string,
  ): Promise<InboundRow> {
    const region = this.config.defaultRegion;
    const toReadings = addressReadings(message.to, region);
    const senders = senderSpellings(toReadings);
    // A number an account owns is that account's: only its messages are conversations there.
    const owner = this.senderNumbers.ownerOf(senders);
    const fromReadings = addressReadings(message.from, region);
    // The reading of the sender's number that someone actually wrote to wins; else the likeliest.
    let from = fromReadings[0]!;
    let candidates: OutboundCandidate[] = [];
    for (const reading of fromReadings) {
      candidates = await conversationCandidates(this.store, reading, message.connector, senders, owner);
      if (candidates.length > 0) {
        from = reading;
        break;
      }
    }
    // The reply belongs to the owner of the number, else to the one account that wrote to this
    // customer from it through this connector. When several did (a shared number nobody owns), it
    // is nobody's: stored without an account (admins see it) rather than handed to whoever wrote last.
    const accountId = owner ?? (candidates.length === 1 ? candidates[0]!.account_id : null);
    const conversation = accountId !== null ? candidates[0] : undefined;
    const to = toReadings[0]!;
    const windowStart = message.receivedAt - this.config.inbound.correlationWindowSeconds * 1000;
    const answers = conversation && conversation.created_at >= windowStart ? conversation : undefined;
    // STOP / START apply to the sender identity the customer texted: for its account, or for every
    // account that wrote to the customer from it when it is shared.
    const optOuts: { accountId: string; action: 'stop' | 'start' }[] = [];
    for (const id of accountId !== null ? [accountId] : candidates.map((c) => c.account_id)) {
      const action = await this.keywordOf(id, message.text);
      if (action) optOuts.push({ accountId: id, action });
    }
    const keyword = optOuts[0]?.action ?? null;
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
      upstream_id: message.upstreamId ?? null,
    };
    const events = await storeInbound(this.store, { row, optOuts, assembledFrom }, now);
    for (const { accountId: id, action } of optOuts) {
      if (action === 'stop') this.optOuts.add(id, from);
      else this.optOuts.remove(id, from);
    }
    this.webhooks.enqueue(events);
    this.logger.info(
      {
        inbound: row.id,
        connector: row.connector,
        account: accountId,
        ...(accountId === null && candidates.length > 1 ? { sharedBy: candidates.length } : {}),
        inReplyTo: row.message_id,
        keyword,
        ...(this.config.logMessageContent ? { from, to, text: message.text } : {}),
      },
      'inbound message stored',
    );
    return row;
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

/** What the parts of one concatenated message share: its connector, addresses, reference and size. */
export function partKeyOf(
  connector: string,
  from: string,
  to: string,
  concat: { reference: number; total: number },
): string {
  return [connector, from, to, concat.reference, concat.total].join('|');
}

/** The parts' texts in order; a missing part shows as "…". */
function assemble(parts: readonly InboundPartRow[], total: number): string {
  const texts: string[] = new Array(total).fill('…');
  for (const part of parts) if (part.seqnum >= 1 && part.seqnum <= total) texts[part.seqnum - 1] = part.body;
  return texts.join('');
}
