import type { FieldNames, SendInput } from '../../../core/send-input.js';
import type { Priority } from '../../../core/statuses.js';
import { kannelNumber } from './kannel-numbers.js';
import { type KannelParams, paramText } from './kannel-params.js';
import { KannelError } from './kannel-replies.js';

/** The message service's fields in Kannel's words. */
export const KANNEL_FIELD_NAMES: FieldNames = {
  to: 'to',
  text: 'text',
  from: 'from',
  scheduleAt: 'deferred',
  validitySeconds: 'validity',
  callbackUrl: 'dlr-url',
  clientRef: 'clientRef',
  metadata: 'meta-data',
};

/** Kannel's priorities 0–3 (0 the default) in the gateway's lanes: Kannel's default is our normal. */
const PRIORITIES: readonly Priority[] = ['normal', 'high', 'urgent', 'urgent'];

/** What a sendsms request asks for, and the recipients Kannel would have denied. */
export interface KannelSend {
  readonly input: SendInput;
  readonly denied: readonly string[];
}

/**
 * An integer parameter as Kannel reads one (`sscanf("%d")`: a leading integer, or nothing — a
 * parameter that does not start with one is as good as absent), checked against Kannel's range.
 */
function intParam(params: KannelParams, label: string, min: number, max: number, ...names: string[]) {
  const raw = paramText(params, names[0]!, ...names.slice(1));
  const match = raw === undefined ? null : /^\s*([+-]?\d+)/.exec(raw);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (value < min || value > max) throw new KannelError(400, `${label} field misformed, rejected`);
  return value === -1 ? undefined : value;
}

/** The text in the request's charset (UTF-8 unless told; UCS-2 big-endian for coding=2 without one). */
function decodeText(bytes: Buffer, charset: string | undefined, coding: number | undefined): string {
  const encoding = charset ?? (coding === 2 ? 'utf-16be' : 'utf-8');
  try {
    return new TextDecoder(encoding.toLowerCase(), { fatal: true }).decode(bytes);
  } catch {
    throw new KannelError(400, 'Charset or body misformed, rejected');
  }
}

/**
 * A sendsms request in the gateway's terms, checked in Kannel's order with Kannel's refusals:
 * `to` (space-separated; missing or empty refused), `udh` (its length octet checked; with
 * coding=1, or no coding, the message is 8-bit binary: `text` is its bytes), each integer parameter's range (`DLR-Mask field misformed, rejected` …), `account`,
 * `dlr-url` (http or https), `charset` + `text`. Recipients that are no phone number are denied,
 * as Kannel denies what its number lists refuse; when all are, the request is refused.
 * `validity` and `deferred` are minutes; `dlr-url` is called for the `dlr-mask` bits
 * (`kannel:<mask>` payload format); `smsc` asks for a channel routes may match; `account`,
 * `meta-data`, the coding and the username travel in the message's metadata (`kannel`), where the
 * `%` escapes of `dlr-url` find them.
 */
export function readKannelSend(
  params: KannelParams,
  username: string,
  defaultRegion: string | undefined,
  now = Date.now(),
): KannelSend {
  const to = paramText(params, 'to');
  if (to === undefined) throw new KannelError(400, 'Missing receiver number, rejected');
  if (to === '') throw new KannelError(400, 'Empty receiver number not allowed, rejected');
  const udhParam = params.get('udh');
  const udh = udhParam !== undefined && udhParam.length > 0 ? udhParam : undefined;
  if (udh && udh.length !== (udh[0] ?? 0) + 1) throw new KannelError(400, 'UDH field misformed, rejected');
  const recipients: string[] = [];
  const denied: string[] = [];
  for (const word of to.split(/\s+/).filter((w) => w !== '')) {
    try {
      recipients.push(kannelNumber(word, defaultRegion));
    } catch {
      denied.push(word);
    }
  }
  if (recipients.length === 0) {
    throw new KannelError(400, 'Number(s) has/have been denied by white- and/or black-lists.');
  }
  const account = paramText(params, 'account');
  if (account !== undefined && (account.length > 64 || /[[\]\n\r]/.test(account))) {
    throw new KannelError(400, 'Account field misformed or too long, rejected');
  }
  const dlrUrl = paramText(params, 'dlr-url', 'dlrurl');
  if (dlrUrl !== undefined && dlrUrl !== '' && !/^https?:\/\/./i.test(dlrUrl)) {
    throw new KannelError(400, 'DLR-URL field misformed, rejected');
  }
  const dlrMask = intParam(params, 'DLR-Mask', -1, 63, 'dlr-mask', 'dlrmask');
  const mclass = intParam(params, 'MClass', -1, 3, 'mclass', 'flash');
  intParam(params, 'PID', -1, 255, 'pid');
  intParam(params, 'RPI', -1, 2, 'rpi');
  intParam(params, 'Alt-DCS', -1, 1, 'alt-dcs');
  intParam(params, 'MWI', -1, 7, 'mwi');
  const coding = intParam(params, 'Coding', -1, 2, 'coding');
  intParam(params, 'Compress', -1, 1, 'compress');
  // As Kannel: a UDH without a coding makes the message 8-bit. A UDH before a 7-bit or UCS-2
  // text would need the text split around it, which this gateway does not do.
  const binary = coding === 1 || (udh !== undefined && coding === undefined);
  if (udh && !binary) {
    throw new KannelError(
      400,
      'UDH is supported with 8-bit messages only (coding=1) by this gateway, rejected',
    );
  }
  const validity = intParam(params, 'Validity', -1, Number.MAX_SAFE_INTEGER, 'validity');
  const deferred = intParam(params, 'Deferred', -1, Number.MAX_SAFE_INTEGER, 'deferred');
  const priority = intParam(params, 'Priority', 0, 3, 'priority');
  const charset = paramText(params, 'charset') || undefined;
  const textBytes = params.get('text') ?? Buffer.alloc(0);
  // An 8-bit message's text is its bytes, not characters in a charset.
  const text = binary ? '' : decodeText(textBytes, charset, coding);
  const from = paramText(params, 'from')?.trim();
  const smsc = paramText(params, 'smsc')?.trim();
  const metaData = paramText(params, 'meta-data');
  const kannel = {
    username,
    ...(smsc ? { smsc } : {}),
    ...(account ? { account } : {}),
    ...(metaData ? { metaData } : {}),
    ...(coding === undefined ? {} : { coding }),
    ...(mclass === undefined ? {} : { mclass }),
  };
  return {
    denied,
    input: {
      to: recipients,
      text,
      ...(binary ? { binary: { udh, data: textBytes } } : {}),
      ...(from ? { from } : {}),
      ...(smsc ? { channel: smsc } : {}),
      ...(validity === undefined ? {} : { validitySeconds: validity * 60 }),
      ...(deferred === undefined ? {} : { scheduleAt: now + deferred * 60_000 }),
      ...(priority === undefined ? {} : { priority: PRIORITIES[priority] }),
      ...(dlrUrl && dlrMask ? { callbackUrl: dlrUrl, callbackFormat: `kannel:${dlrMask}` } : {}),
      metadata: { kannel },
    },
  };
}
