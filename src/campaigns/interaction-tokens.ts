import { randomInt } from 'node:crypto';
import type { Store } from '../store/open-store.js';
import {
  claimInteraction,
  findInteraction,
  type InteractionRow,
  insertInteraction,
  markSmsSent,
} from '../store/queries/interactions.js';
import { TokenExpiredError, UnknownTokenError } from './campaign-errors.js';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 20 letters and digits: about 119 bits, and still the shape of seed 004's sample `Aejhib7`. */
const TOKEN_LENGTH = 20;

/** A new token: letters and digits only, so it travels unescaped in JSON, XML and URLs. */
export function newInteractionToken(): string {
  let token = '';
  while (token.length < TOKEN_LENGTH) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]!;
  return token;
}

/**
 * Interaction tokens (seed 004's `jpToken`): one per caller interaction (a call) of a campaign,
 * with an expiry. Sending the campaign's SMS with it sets the interaction's `smsSent`; the
 * Deflected Call Report counts interactions and those that sent one. A token may send again until
 * it expires (a caller who asks for the SMS twice), always to the same caller: the first SMS binds
 * it to its caller when `generateToken` named none.
 */
export class InteractionTokens {
  constructor(private readonly store: Store) {}

  /** Issues a token for one interaction of the account's campaign, living `ttlSeconds`. */
  async issue(input: {
    accountId: string;
    campaignId: string;
    callerId: string | undefined;
    ttlSeconds: number;
  }): Promise<InteractionRow> {
    const now = Date.now();
    const row = {
      token: newInteractionToken(),
      account_id: input.accountId,
      campaign_id: input.campaignId,
      caller_id: input.callerId ?? null,
      created_at: now,
      expires_at: now + input.ttlSeconds * 1000,
    };
    await insertInteraction(this.store, row);
    return { ...row, sms_sent: 0, sms_sent_at: null, message_id: null };
  }

  /**
   * Lets an SMS of `campaignId` to `callerId` use the token, binding it to that caller; throws 400
   * for a token the account never issued or issued for another campaign or caller, 403 once it
   * expired. Checked before anything is sent, so a refused token sends nothing.
   */
  async claim(accountId: string, token: string, campaignId: string, callerId: string): Promise<void> {
    const now = Date.now();
    if (await claimInteraction(this.store, { accountId, token, campaignId, callerId, now })) return;
    const row = await findInteraction(this.store, accountId, token);
    if (!row) throw new UnknownTokenError('is not a token generateToken issued to this account');
    if (row.campaign_id !== campaignId) throw new UnknownTokenError(`was issued for another campaign`);
    if (row.expires_at <= now) throw new TokenExpiredError();
    throw new UnknownTokenError('belongs to an interaction with another caller');
  }

  /** Sets the interaction's `smsSent` (after its SMS was accepted) and remembers the message. */
  markSent(accountId: string, token: string, messageId: string): Promise<void> {
    return markSmsSent(this.store, accountId, token, messageId, Date.now());
  }
}
