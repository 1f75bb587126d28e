import type { FieldNames, SendInput } from '../../../core/send-input.js';
import type { Priority } from '../../../core/statuses.js';
import { parseSmppTime } from '../../../smpp/smpp-time.js';
import { kannelNumber } from '../kannel/kannel-numbers.js';
import { checkArgs, invalidValue, type JasminArgs } from './jasmin-params.js';
import { JasminError } from './jasmin-replies.js';

/** The message service's fields in Jasmin's words. */
export const JASMIN_FIELD_NAMES: FieldNames = {
  to: 'to',
  text: 'content',
  from: 'from',
  scheduleAt: 'sdt',
  validitySeconds: 'validity-period',
  callbackUrl: 'dlr-url',
  clientRef: 'clientRef',
  metadata: 'tags',
};

/** Every argument `/send` knows (HTTP API docs, "HTTP request parameters"). */
export const SEND_ARGS: ReadonlySet<string> = new Set([
  'username',
  'password',
  'to',
  'from',
  'coding',
  'priority',
  'sdt',
  'validity-period',
  'dlr',
  'dlr-url',
  'dlr-level',
  'dlr-method',
  'tags',
  'content',
  'hex-content',
  'custom_tlvs',
]);

/** The data codings Jasmin accepts (SMPP's), and how a `hex-content` of each is read as text. */
const CODINGS = new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '13', '14']);
const HEX_TEXT: Readonly<Record<string, string>> = {
  '0': 'latin1',
  '1': 'latin1',
  '3': 'latin1',
  '8': 'utf-16be',
};

/** Jasmin's priorities 0–3 (0 the default) in the gateway's lanes. */
const PRIORITIES: readonly Priority[] = ['normal', 'high', 'urgent', 'urgent'];

/** A recipient, read as Kannel's are (`+`, `00`, national `0…`, other digits international). */
function recipient(to: string, defaultRegion: string | undefined): string {
  try {
    return kannelNumber(to, defaultRegion);
  } catch {
    throw invalidValue('to', to);
  }
}

/** An `sdt` (SMPP absolute or relative time) as epoch ms. */
function scheduleOf(sdt: string, now: number): number {
  try {
    const at = parseSmppTime(sdt, new Date(now));
    if (at !== undefined) return at.getTime();
  } catch {
    // refused below, in Jasmin's words
  }
  throw invalidValue('sdt', sdt);
}

/** Codings whose `hex-content` is 8-bit binary data (SMPP's "octet unspecified"). */
const BINARY_CODINGS = new Set(['2', '4']);

/** `content`, or `hex-content` read as text in its coding, or as binary data (codings 2 and 4). */
function contentOf(args: JasminArgs): { text: string; binary?: { data: Buffer } } {
  const content = args.get('content');
  const hex = args.get('hex-content');
  if (content !== undefined) return { text: content };
  if (hex === undefined) throw new JasminError(400, 'Mandatory argument content is not found.');
  const coding = args.get('coding') ?? '0';
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw invalidValue('hex-content', hex);
  if (BINARY_CODINGS.has(coding)) return { text: '', binary: { data: Buffer.from(hex, 'hex') } };
  const encoding = HEX_TEXT[coding];
  if (!encoding) {
    throw new JasminError(
      400,
      `hex-content with coding ${coding} is a character set this gateway does not read`,
    );
  }
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(Buffer.from(hex, 'hex')) };
  } catch {
    throw invalidValue('hex-content', hex);
  }
}

/**
 * A `/send` in the gateway's terms, refused as Jasmin refuses it: unknown or missing arguments,
 * `coding` outside SMPP's, `priority` outside 0–3, `dlr` other than yes/no, `dlr-level` other than
 * 1–3, `dlr-method` other than GET/POST, a `validity-period` that is no whole number of minutes,
 * an `sdt` that is no SMPP time (absolute or relative, `000000000100000R`). A DLR is asked for
 * with `dlr=yes` and a `dlr-url` (without a URL, as Jasmin says, dlr is "reconsidered as no");
 * `dlr-level` defaults to 1 and `dlr-method` to GET. `tags` and the username travel in the
 * message's metadata (`jasmin`).
 */
export function readJasminSend(
  args: JasminArgs,
  username: string,
  defaultRegion: string | undefined,
  now = Date.now(),
): SendInput {
  checkArgs(args, SEND_ARGS, ['to']);
  const coding = args.get('coding');
  if (coding !== undefined && !CODINGS.has(coding)) throw invalidValue('coding', coding);
  const priority = args.get('priority');
  if (priority !== undefined && !/^[0-3]$/.test(priority)) throw invalidValue('priority', priority);
  const dlr = args.get('dlr') ?? 'no';
  if (dlr !== 'yes' && dlr !== 'no') throw invalidValue('dlr', dlr);
  const level = args.get('dlr-level') ?? '1';
  if (!/^[1-3]$/.test(level)) throw invalidValue('dlr-level', level);
  const method = (args.get('dlr-method') ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw invalidValue('dlr-method', args.get('dlr-method') ?? '');
  const validity = args.get('validity-period');
  if (validity !== undefined && !/^\d+$/.test(validity)) throw invalidValue('validity-period', validity);
  const sdt = args.get('sdt');
  const scheduleAt = sdt === undefined ? undefined : scheduleOf(sdt, now);
  const content = contentOf(args);
  const from = args.get('from')?.trim();
  const dlrUrl = args.get('dlr-url')?.trim();
  const tags = args.get('tags');
  return {
    to: [recipient(args.get('to') ?? '', defaultRegion)],
    ...content,
    ...(from ? { from } : {}),
    ...(priority === undefined ? {} : { priority: PRIORITIES[Number(priority)] }),
    ...(validity === undefined ? {} : { validitySeconds: Number(validity) * 60 }),
    ...(scheduleAt === undefined ? {} : { scheduleAt }),
    ...(dlr === 'yes' && dlrUrl ? { callbackUrl: dlrUrl, callbackFormat: `jasmin:${level}:${method}` } : {}),
    metadata: { jasmin: { username, ...(tags ? { tags } : {}) } },
  };
}
