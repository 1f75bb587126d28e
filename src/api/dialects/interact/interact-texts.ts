/**
 * The Interact campaign API's own words (seed 004's response tables), kept verbatim: callers match
 * on them. Everything the gateway adds (the reasons in `Unauthenticated-Reason`, the texts of
 * answers the seed has no row for) is ours and documented in docs/dialects/interact.md.
 */
export const INTERACT_TEXT = {
  /** 401 code and message (REST JSON body, SOAP fault). */
  unauthorizedCode: '0x7000000',
  unauthorizedMessage: 'Request is unauthorized, missing or wrong credentials',
  /** 403 */
  tokenExpired: 'Token expired',
  /** 500: telephony provider settings expired or not configured. */
  noTelephonyProvider:
    'Your Telephony provider is not defined, please contact Uniphore Support and read the following +link+',
  /** 500: any internal error. */
  internalError: 'exception',
} as const;

/** REST 400: `missing or invalid parameter <parameter>`. */
export function restInvalidParameter(parameter: string): string {
  return `missing or invalid parameter ${parameter}`;
}

/** SOAP's wording of the same 400 (capitalised, as in its table). */
export function soapInvalidParameter(parameter: string): string {
  return `Missing or invalid parameter ${parameter}`;
}

/** REST 200. The braces around the id are the seed's, kept. */
export function restPlaced(campaignId: string, messageSid: string): string {
  return `Placed campaign {${campaignId}} in SMS queue messageSid: ${messageSid}`;
}

/** SOAP success: the text of `CampaignSMSResponse/message`. */
export function soapPlaced(campaignId: string, messageSid: string): string {
  return `message: Campaign ${campaignId} was sent to queue messageSid: ${messageSid}`;
}

/** 404 (REST body, SOAP `uniqueId`). */
export function campaignNotFound(campaignId: string): string {
  return `Campaign ${campaignId} was not found`;
}
