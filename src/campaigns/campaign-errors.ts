import { ForbiddenError, GatewayError, ValidationError } from '../core/errors.js';

/** The name seed 004 gives the interaction token, in its REST body and its SOAP request alike. */
export const TOKEN_FIELD = 'jpToken';

/** 400: a token this account never issued, or one issued for another campaign or caller. */
export class UnknownTokenError extends ValidationError {
  constructor(why: string) {
    super(`${TOKEN_FIELD} ${why}`, TOKEN_FIELD, 'unknown_token');
  }
}

/** 403: the interaction's token is past its expiry (seed 004's "Outdated campaign/interaction session"). */
export class TokenExpiredError extends ForbiddenError {
  constructor() {
    super('Token expired', 'token_expired', TOKEN_FIELD);
  }
}

/**
 * 500: the account has no upstream for this campaign SMS (seed 004's "Telephony provider settings
 * are not configured / expired"): no route for the caller, a campaign connector that is no longer
 * configured, or no master sender when the request asks for it. The message says which, for the
 * log; dialects answer with their own words.
 */
export class NoUpstreamError extends GatewayError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(500, 'no_upstream', detail, options);
  }
}
