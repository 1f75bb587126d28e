import { CAMPAIGN_ID } from '../../../campaigns/campaigns.js';
import { ValidationError } from '../../../core/errors.js';
import { parseSender, toE164 } from '../../../core/phone-numbers.js';
import { parseAdditionalParams } from './additional-params.js';

/** A campaign SMS request's fields as either form sent them (JSON values, or SOAP element texts). */
export interface RawCampaignSms {
  readonly campaignId: unknown;
  readonly callerId: unknown;
  readonly from?: unknown;
  readonly jpToken?: unknown;
  readonly additionalParams?: unknown;
  readonly sendFromMasterAccount?: unknown;
}

/** The same request, checked and normalised. */
export interface CampaignSmsFields {
  readonly campaignId: string;
  /** E.164. */
  readonly callerId: string;
  readonly from: string | undefined;
  readonly jpToken: string | undefined;
  readonly params: Map<string, string>;
  readonly sendFromMasterAccount: boolean;
}

const MAX_TEXT_FIELD = 64;

/** A string field; absent, null and `''` are all "not given" (SOAP's sample sends `<from></from>`). */
function optionalString(value: unknown, field: string, maxLength = MAX_TEXT_FIELD): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new ValidationError(`${field} must be a string of at most ${maxLength} characters`, field);
  }
  return value.trim() === '' ? undefined : value;
}

function requiredString(value: unknown, field: string): string {
  const text = optionalString(value, field);
  if (text === undefined) throw new ValidationError(`${field} is required`, field);
  return text;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  // xsd:boolean's lexical forms, which is also what a JSON client sending a string means.
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new ValidationError(`${field} must be true or false`, field);
}

/**
 * Checks a campaign SMS request, parameter by parameter in this order, and throws a 400 naming the
 * first bad one: campaignId, callerId (a valid number; national ones in `defaultRegion`), from (a
 * possible number, a short code or an alphanumeric id), jpToken, additionalParams,
 * sendFromMasterAccount.
 */
export function readCampaignSms(raw: RawCampaignSms, defaultRegion: string | undefined): CampaignSmsFields {
  const campaignId = requiredString(raw.campaignId, 'campaignId').trim();
  if (!CAMPAIGN_ID.test(campaignId))
    throw new ValidationError('campaignId is not a campaign id', 'campaignId');
  const callerId = toE164(requiredString(raw.callerId, 'callerId'), 'callerId', defaultRegion);
  const fromText = optionalString(raw.from, 'from');
  const from =
    fromText === undefined ? undefined : parseSender(fromText, 'from', defaultRegion, 'possible').value;
  const jpToken = optionalString(raw.jpToken, 'jpToken');
  const params = parseAdditionalParams(optionalString(raw.additionalParams, 'additionalParams', 64 * 1024));
  const sendFromMasterAccount = optionalBoolean(raw.sendFromMasterAccount, 'sendFromMasterAccount') ?? false;
  return { campaignId, callerId, from, jpToken, params, sendFromMasterAccount };
}
