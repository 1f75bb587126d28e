import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { UpstreamCallback } from '../connector.js';

/**
 * How a provider's callbacks prove they come from it. Every HTTP provider connector that takes
 * callbacks needs one: `callbackToken` (the callback URL carries `?token=<it>`) or, where the
 * provider signs its callbacks, `callbackSignature` (Twilio's `X-Twilio-Signature`). Only an
 * explicit `unauthenticatedCallbacks: true` does without, and the gateway warns at every start.
 */
export const callbackAuthFields = {
  /** Callbacks must carry `?token=<this>`; use a long random string. */
  callbackToken: z.string().min(8).optional(),
  /** Accept callbacks with no credential at all (anyone who finds the URL can post reports). */
  unauthenticatedCallbacks: z.boolean().default(false),
};

/** For providers that sign their callbacks (the generic HTTP connector): check the signature. */
export const callbackSignatureField = {
  /** Callbacks must carry the provider's signature, keyed with this secret. */
  callbackSignature: z
    .object({
      /** `twilio`: base64 HMAC-SHA1 of the callback URL and the sorted form parameters. */
      scheme: z.literal('twilio'),
      /** The key the provider signs with (Twilio: the account's auth token). */
      key: z.string().min(8),
    })
    .strict()
    .optional(),
};

export interface CallbackAuthSettings {
  readonly callbackToken?: string | undefined;
  readonly callbackSignature?: { readonly scheme: 'twilio'; readonly key: string } | undefined;
  readonly unauthenticatedCallbacks?: boolean | undefined;
}

/** The config problem, if callbacks would be taken with no credential and nobody said so; else null. */
export function missingCallbackAuth(config: CallbackAuthSettings, signedUrl?: string): string | null {
  if (config.callbackSignature && signedUrl === undefined) {
    return 'callbackSignature needs callbackUrl: the signature covers the URL the provider calls';
  }
  if (config.callbackToken || config.callbackSignature || config.unauthenticatedCallbacks) return null;
  return 'provider callbacks need a credential: set callbackToken (and add ?token=<it> to the callback URL you give the provider), or callbackSignature where the provider signs, or unauthenticatedCallbacks: true to accept anyone';
}

/**
 * Whether a callback carries the credential the settings ask for. `signedUrl` is the public URL the
 * provider calls (what it signed); the token and signature are compared in constant time.
 */
export function callbackAuthentic(
  config: CallbackAuthSettings,
  callback: UpstreamCallback,
  signedUrl?: string,
): boolean {
  if (config.callbackToken !== undefined && !sameText(callback.query.token ?? '', config.callbackToken)) {
    return false;
  }
  if (config.callbackSignature !== undefined) {
    const header = callback.headers['x-twilio-signature'];
    if (typeof header !== 'string' || signedUrl === undefined) return false;
    const params = callback.method === 'GET' ? {} : formParams(callback.body);
    if (params === undefined) return false;
    const data = Object.keys(params)
      .sort()
      .reduce((acc, name) => acc + name + params[name], signedUrl);
    const expected = createHmac('sha1', config.callbackSignature.key).update(data, 'utf8').digest('base64');
    if (!sameText(header, expected)) return false;
  }
  return true;
}

function formParams(body: unknown): Record<string, string> | undefined {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') return undefined;
    params[name] = value;
  }
  return params;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
