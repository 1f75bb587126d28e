import {
  AuthenticationError,
  BackpressureError,
  type GatewayError,
  NotFoundError,
} from '../../../core/errors.js';
import type { DialectReply } from '../../dialect.js';
import { InteractAuthError, UNAUTHENTICATED_REASONS } from './interact-auth.js';
import { INTERACT_TEXT, soapInvalidParameter, soapPlaced } from './interact-texts.js';
import { SoapEnvelopeError } from './soap-envelope.js';
import { agentElement, soapEnvelope, soapFault } from './soap-xml.js';

const XML = 'text/xml; charset=utf-8';

/** 200 `CampaignSMSResponse` with the message the seed's success row shows. */
export function soapPlacedReply(campaignId: string, messageSid: string): DialectReply {
  return {
    status: 200,
    contentType: XML,
    body: soapEnvelope(agentElement('CampaignSMSResponse', 'message', soapPlaced(campaignId, messageSid))),
  };
}

/** 200 `GetInteractionUniqueIdResponse`: how the seed's SOAP table answers its error rows. */
function uniqueIdReply(text: string): DialectReply {
  return {
    status: 200,
    contentType: XML,
    body: soapEnvelope(agentElement('GetInteractionUniqueIdResponse', 'uniqueId', text)),
  };
}

function faultReply(
  status: number,
  faultcode: string,
  faultstring: string,
  headers?: Record<string, string>,
) {
  return {
    status,
    contentType: XML,
    body: soapFault(faultcode, faultstring),
    ...(headers ? { headers } : {}),
  };
}

/**
 * Any error of the SOAP form. The seed's rows answer as its table does: a bad parameter, an
 * unknown campaign, an expired token and a missing telephony provider are a 200
 * `GetInteractionUniqueIdResponse` whose `uniqueId` says so; bad credentials the `SOAP-ENV:Fault`
 * with faultcode `0x7000000` (401, with `Unauthenticated-Reason`); an internal error a
 * `SOAP-ENV:Server` fault `exception` (500). Everything else — an envelope that cannot be read (a
 * DTD included), a body too large, the wrong content type, limits — is a `SOAP-ENV:Client` fault
 * (or `Server` for 503) with the error's own status, never a 5xx for the caller's mistakes.
 */
export function renderSoapError(error: GatewayError): DialectReply {
  if (error instanceof AuthenticationError) {
    const reason =
      error instanceof InteractAuthError ? error.reason : UNAUTHENTICATED_REASONS.wrongCredentials;
    return faultReply(401, INTERACT_TEXT.unauthorizedCode, INTERACT_TEXT.unauthorizedMessage, {
      'unauthenticated-reason': reason,
    });
  }
  if (error.status === 400 && error.field !== undefined)
    return uniqueIdReply(soapInvalidParameter(error.field));
  if (error instanceof NotFoundError) return uniqueIdReply(error.message);
  if (error.code === 'token_expired') return uniqueIdReply(INTERACT_TEXT.tokenExpired);
  if (error.code === 'no_upstream') return uniqueIdReply(INTERACT_TEXT.noTelephonyProvider);
  if (error.status === 500) return faultReply(500, 'SOAP-ENV:Server', INTERACT_TEXT.internalError);
  if (error instanceof SoapEnvelopeError) return faultReply(400, error.faultcode, error.message);
  const headers: Record<string, string> =
    error instanceof BackpressureError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  return faultReply(
    error.status,
    error.status >= 500 ? 'SOAP-ENV:Server' : 'SOAP-ENV:Client',
    error.message,
    headers,
  );
}
