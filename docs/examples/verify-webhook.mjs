// Verifies that a webhook request came from your smsgate and was not altered.
// `secret` is your account's webhook secret (GET /v1/accounts/{id}/webhooks);
// `rawBody` is the request body exactly as received (a string or Buffer), before any parsing.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifySmsgateWebhook(secret, rawBody, headers, toleranceSeconds = 300) {
  const timestamp = headers['smsgate-timestamp'];
  const signature = headers['smsgate-signature'] ?? '';
  if (!/^\d+$/.test(timestamp ?? '')) return false;
  // Refuse old deliveries so a captured request cannot be replayed later.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
