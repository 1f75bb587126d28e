import type { Principal } from '../accounts/roles.js';
import { GatewayError, NotFoundError } from '../core/errors.js';
import { newMessageId } from '../core/ids.js';
import { NATIVE_FIELD_NAMES, type SendInput } from '../core/send-input.js';
import { KeyedSerializer } from '../inbound/keyed-serializer.js';
import type { MessageService } from '../messages/message-service.js';
import type { Store } from '../store/open-store.js';
import { deleteSmppSubmitParts, storeSmppSubmitPart } from '../store/queries/smpp-submit-parts.js';

/** One part of a long message, as read from its submit_sm / data_sm. */
export interface SubmittedPart {
  readonly reference: number;
  readonly total: number;
  readonly seqnum: number;
  readonly text: string;
}

/**
 * Reassembles long messages an SMPP client submits in parts (UDH or SAR). Every part is stored
 * before it is answered, so a restart between parts loses none; every part is answered with the
 * id the whole message will have (fixed by the first part stored), so the client's receipts match
 * whichever part id it kept. The part that completes the message sends it through the message
 * service and is answered only once that has committed; if that fails, the part's error tells the
 * client to resend it, and the stored parts make the retry complete the message again. Parts of one
 * message are handled one at a time.
 */
export class LongMessageAssembler {
  private readonly serializer = new KeyedSerializer();

  constructor(
    private readonly store: Store,
    private readonly messages: MessageService,
  ) {}

  /** Stores one part; resolves with the message id to answer it with. Throws the send's errors. */
  async accept(principal: Principal, input: SendInput, part: SubmittedPart): Promise<string> {
    const partKey = [input.from ?? '', ...input.to, part.reference, part.total].join('|');
    const { accountId } = principal;
    return this.serializer.run(`${accountId}\u0000${partKey}`, async () => {
      // A bad destination or sender is refused on the first part, not after the whole message came.
      this.messages.validate(principal, [{ ...input, text: part.text || ' ' }], [NATIVE_FIELD_NAMES]);
      const { text: _text, ...send } = input;
      const rows = await storeSmppSubmitPart(
        this.store,
        {
          account_id: accountId,
          part_key: partKey,
          seqnum: part.seqnum,
          total: part.total,
          body: part.text,
          send: JSON.stringify(send),
          received_at: Date.now(),
        },
        newMessageId,
      );
      const messageId = rows[0]!.message_id;
      if (rows.length < part.total) return messageId;
      const first = JSON.parse(rows[0]!.send) as Omit<SendInput, 'text'>;
      if (!(await this.alreadyStored(principal, messageId))) {
        try {
          await this.messages.send(principal, {
            ...first,
            text: rows.map((r) => r.body).join(''),
            messageId,
          });
        } catch (error) {
          // A whole message the gateway refuses for what it is will never be accepted: forget it.
          if (error instanceof GatewayError && error.status === 400) {
            await deleteSmppSubmitParts(this.store, accountId, partKey);
          }
          throw error;
        }
      }
      await deleteSmppSubmitParts(this.store, accountId, partKey);
      return messageId;
    });
  }

  /** The message was stored by an earlier attempt whose answer (or clean-up) a crash cut short. */
  private async alreadyStored(principal: Principal, messageId: string): Promise<boolean> {
    try {
      await this.messages.read(principal, messageId);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }
}
