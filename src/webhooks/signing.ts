import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a signed delivery (documented in docs/webhooks.md). */
export const SIGNATURE_HEADERS = {
  eventId: 'smsgate-event-id',
  timestamp: 'smsgate-timestamp',
  signature: 'smsgate-signature',
} as const;

/** HMAC-SHA256 (hex) of `<timestamp>.<body>` under `secret`. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The headers that let a receiver check a delivery came from this gateway and was not altered:
 * the event id, the time of signing (Unix seconds) and `v1=<hmac>` over timestamp and body.
 */
export function signatureHeaders(
  secret: string,
  eventId: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    [SIGNATURE_HEADERS.eventId]: eventId,
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.signature]: `v1=${signPayload(secret, timestamp, body)}`,
  };
}

/** Checks a signature the way a receiver should (constant-time, with a freshness window). */
export function verifySignature(
  secret: string,
  body: string,
  timestampHeader: string,
  signatureHeader: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const timestamp = Number(timestampHeader);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(`v1=${signPayload(secret, timestamp, body)}`);
  const given = Buffer.from(signatureHeader);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
