import type { SendInput } from '../core/send-input.js';
import type { CampaignRow } from '../store/queries/campaigns.js';
import { NoUpstreamError } from './campaign-errors.js';
import { fillTemplate } from './campaign-template.js';

/** Refs every campaign message carries, so `GET /v1/messages?ref=campaignId:…` finds them. */
export const CAMPAIGN_REFS = { campaign: 'campaignId', caller: 'callerId', token: 'jpToken' } as const;

/** One campaign SMS as a caller asks for it. */
export interface CampaignSms {
  readonly campaign: CampaignRow;
  /** The customer's number (the recipient), E.164. */
  readonly callerId: string;
  /** The sender the request names, if any. */
  readonly from?: string | undefined;
  /** Send from the system ("master") account's sender instead of the campaign's. */
  readonly sendFromMasterAccount?: boolean | undefined;
  /** Placeholder values (`additionalParams`). */
  readonly params: ReadonlyMap<string, string>;
  /** The interaction token it was sent with, if any. */
  readonly token?: string | undefined;
}

/**
 * Who the SMS is from: the request's own `from`; else, with `sendFromMasterAccount`, the master
 * sender (`campaigns.masterSender`; a 500 when none is configured, the system account having no
 * number to send from); else the campaign's default sender; else none (the connector's default).
 */
export function campaignSender(sms: CampaignSms, masterSender: string | undefined): string | undefined {
  if (sms.from !== undefined) return sms.from;
  if (sms.sendFromMasterAccount) {
    if (masterSender === undefined) {
      throw new NoUpstreamError(
        'sendFromMasterAccount was asked for and campaigns.masterSender is not configured',
      );
    }
    return masterSender;
  }
  return sms.campaign.sender ?? undefined;
}

/**
 * The send a campaign SMS is: the campaign's text with the request's values filled in, to the
 * caller, from `campaignSender`, through the campaign's connector when it has one; senders are
 * accepted when they are possible numbers, as operators accept them.
 */
export function campaignMessage(sms: CampaignSms, masterSender: string | undefined): SendInput {
  return {
    to: [sms.callerId],
    text: fillTemplate(sms.campaign.text, sms.params),
    from: campaignSender(sms, masterSender),
    senderCheck: 'possible',
    connector: sms.campaign.connector ?? undefined,
    refs: {
      [CAMPAIGN_REFS.campaign]: sms.campaign.id,
      [CAMPAIGN_REFS.caller]: sms.callerId,
      ...(sms.token === undefined ? {} : { [CAMPAIGN_REFS.token]: sms.token }),
    },
  };
}
