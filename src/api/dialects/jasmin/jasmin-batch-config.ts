import { MAX_CALLBACK_URL_LENGTH } from '../../../messages/send-preparer.js';
import { type AddressPolicy, urlRefusal } from '../../../webhooks/address-guard.js';
import { invalidValue } from './jasmin-params.js';
import { JasminError } from './jasmin-replies.js';

/** A `/secure/sendbatch`'s `batch_config`, read and checked. */
export interface JasminBatchConfig {
  readonly callbackUrl: string | null;
  readonly errbackUrl: string | null;
  /** `schedule_at` as epoch ms. */
  readonly scheduleAt: number | undefined;
}

const KNOWN = new Set(['callback_url', 'errback_url', 'schedule_at']);

/** A callback URL the deliverer may call: http(s), not too long, through the address guard. */
function urlOf(name: string, value: unknown, policy: AddressPolicy): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > MAX_CALLBACK_URL_LENGTH) {
    throw invalidValue(name, String(value));
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidValue(name, value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidValue(name, value);
  // Literal addresses now, as for dlr-url; names when they resolve, at delivery.
  const refusal = urlRefusal(url.toString(), policy);
  if (refusal !== null) throw new JasminError(400, `${name} is not allowed: ${refusal}`);
  return url.toString();
}

/** `schedule_at`: `YYYY-MM-DD hh:mm:ss` (UTC), as Jasmin's examples write it. */
function scheduleOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const at =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)
      ? Date.parse(`${value.replace(' ', 'T')}Z`)
      : Number.NaN;
  if (!Number.isFinite(at)) throw invalidValue('schedule_at', String(value));
  return at;
}

/**
 * Reads `batch_config` (REST API docs, "Send multiple messages" and "About callbacks"):
 * `callback_url` and `errback_url` are refused, before anything is stored, when the address guard
 * would never call them (`callback_url is not allowed: a loopback address`), so a batch is not
 * accepted with reports nobody can receive; an unknown key is refused as Jasmin's validator refuses
 * an unknown argument.
 */
export function readBatchConfig(
  config: Readonly<Record<string, unknown>>,
  policy: AddressPolicy,
): JasminBatchConfig {
  for (const name of Object.keys(config)) {
    if (!KNOWN.has(name)) throw new JasminError(400, `Argument ${name} is unknown.`);
  }
  return {
    callbackUrl: urlOf('callback_url', config.callback_url, policy),
    errbackUrl: urlOf('errback_url', config.errback_url, policy),
    scheduleAt: scheduleOf(config.schedule_at),
  };
}
