import type { Principal } from '../../../accounts/roles.js';
import { NoUpstreamError } from '../../../campaigns/campaign-errors.js';
import { campaignMessage } from '../../../campaigns/campaign-message.js';
import type { Campaigns } from '../../../campaigns/campaigns.js';
import type { InteractionTokens } from '../../../campaigns/interaction-tokens.js';
import { ValidationError, ValidationErrors } from '../../../core/errors.js';
import { toMessageSid } from '../../../core/message-sid.js';
import { type FieldNames, NATIVE_FIELD_NAMES } from '../../../core/send-input.js';
import type { Gateway } from '../../../gateway.js';
import type { CampaignSmsFields } from './campaign-sms-fields.js';

/**
 * How the message service's errors name fields for this API: the recipient is the `callerId`, and
 * the text is the campaign's filled with `additionalParams` (too long after filling is their fault).
 */
const INTERACT_FIELD_NAMES: FieldNames = {
  ...NATIVE_FIELD_NAMES,
  to: 'callerId',
  text: 'additionalParams',
  from: 'from',
};

/** Route-table answers that mean the account has no upstream for this SMS, not a bad request. */
const NO_UPSTREAM_CODES = new Set(['no_route', 'unknown_connector']);

/** What a placed campaign SMS is known by. */
export interface PlacedCampaignSms {
  readonly campaignId: string;
  readonly messageId: string;
  readonly messageSid: string;
}

/** The campaign layer's parts the Interact API uses. */
export interface CampaignParts {
  readonly campaigns: Campaigns;
  readonly tokens: InteractionTokens;
}

/**
 * Sends a campaign SMS, the same for the REST and the SOAP form, after the caller's credentials
 * and request fields were checked (401, then 400). The remaining checks, in order: the campaign
 * exists (404); the token, when given, is this account's for this campaign and caller (400) and
 * not expired (403); the account has an upstream for it (500: a master sender when asked for, a
 * route for the caller, the campaign's connector still configured); then the message service's
 * own (limits, sender ids, the filled text's length). The interaction's `smsSent` is set once the
 * message is accepted.
 */
export async function sendCampaignSms(
  gateway: Gateway,
  parts: CampaignParts,
  principal: Principal,
  fields: CampaignSmsFields,
): Promise<PlacedCampaignSms> {
  const campaign = await parts.campaigns.get(principal.accountId, fields.campaignId);
  if (fields.jpToken !== undefined) {
    await parts.tokens.claim(principal.accountId, fields.jpToken, campaign.id, fields.callerId);
  }
  let messageId: string;
  try {
    const input = campaignMessage(
      {
        campaign,
        callerId: fields.callerId,
        from: fields.from,
        sendFromMasterAccount: fields.sendFromMasterAccount,
        params: fields.params,
        token: fields.jpToken,
      },
      gateway.config.campaigns.masterSender,
    );
    const outcome = await gateway.messages.send(principal, input, { names: INTERACT_FIELD_NAMES });
    messageId = outcome.sends[0]!.messages[0]!.id;
  } catch (error) {
    const refusal = error instanceof NoUpstreamError ? error : noUpstream(error);
    if (!refusal) throw error;
    // The caller only sees the seed's "provider is not defined"; the operator needs to know why.
    gateway.logger.warn(
      { accountId: principal.accountId, campaignId: campaign.id, reason: refusal.message },
      'campaign SMS refused: the account has no upstream for it',
    );
    throw refusal;
  }
  if (fields.jpToken !== undefined)
    await parts.tokens.markSent(principal.accountId, fields.jpToken, messageId);
  return { campaignId: campaign.id, messageId, messageSid: toMessageSid(messageId) };
}

/** The 500 an error stands for when every field error in it is a routing one (no route, no connector). */
function noUpstream(error: unknown): NoUpstreamError | undefined {
  if (!(error instanceof ValidationError)) return undefined;
  const errors = error instanceof ValidationErrors ? error.errors : [error];
  if (!errors.every((e) => NO_UPSTREAM_CODES.has(e.code))) return undefined;
  return new NoUpstreamError(errors.map((e) => e.message).join('; '), { cause: error });
}
