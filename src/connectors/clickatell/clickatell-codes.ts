import type { ReceiptState } from '../connector.js';

/**
 * One API error codes worth retrying: internal errors (18, 19) and the rate limit (43). Every
 * other code is a problem with the message or the account that a retry cannot fix.
 */
const RETRYABLE_ERROR_CODES = new Set([18, 19, 43]);

export function isRetryableClickatellError(code: number | undefined): boolean {
  return code !== undefined && RETRYABLE_ERROR_CODES.has(code);
}

/**
 * A One API `messageStatusUpdate.statusCode` in the gateway's terms; undefined for codes that say
 * nothing (1, unknown id).
 */
export function clickatellReceiptState(statusCode: number): ReceiptState | undefined {
  switch (statusCode) {
    case 2:
    case 3:
      return 'accepted';
    case 4:
      return 'enroute';
    case 5:
    case 6:
    case 24:
      return 'delivered';
    case 20:
      return 'expired';
    case 29:
    case 100:
      return 'rejected';
    case 1:
      return undefined;
    default:
      // 21–23, 25–28 and the encryption, media and WhatsApp failures (60+, 80+, 130+).
      return statusCode >= 20 ? 'undelivered' : undefined;
  }
}
