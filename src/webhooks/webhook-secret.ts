import { randomSecret } from '../core/ids.js';

/** A new per-account webhook signing secret (shown to the account; it verifies our signatures). */
export function newWebhookSecret(): string {
  return `whsec_${randomSecret(32)}`;
}
