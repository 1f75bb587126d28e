import type { FastifyRequest } from 'fastify';
import { KannelError } from './kannel-replies.js';
import { kannelXmlParams } from './kannel-xml.js';

/**
 * A sendsms request's parameters, each as the bytes it spelled (Kannel reads `text` in the
 * request's `charset`, so it cannot be decoded before every parameter is known), the first of a
 * repeated one winning as in Kannel's `http_cgi_variable`.
 */
export type KannelParams = ReadonlyMap<string, Buffer>;

/** Percent-decodes a query or form component to bytes (`+` is a space, a stray `%` stays). */
export function decodeComponent(component: string): Buffer {
  const raw = Buffer.from(component.replace(/\+/g, ' '), 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = raw.subarray(i + 1, i + 3).toString('latin1');
    if (raw[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw[i]!);
    }
  }
  return Buffer.from(bytes);
}

/** The parameters of a query string or urlencoded form. */
export function parseCgi(query: string, into = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals < 0 ? pair : pair.slice(0, equals)).toString('utf8');
    if (!into.has(name)) into.set(name, decodeComponent(equals < 0 ? '' : pair.slice(equals + 1)));
  }
  return into;
}

/** Kannel's `X-Kannel-*` headers of a POST, by the parameter each stands for. */
const X_KANNEL_HEADERS: Readonly<Record<string, string>> = {
  'x-kannel-username': 'username',
  'x-kannel-password': 'password',
  'x-kannel-from': 'from',
  'x-kannel-to': 'to',
  'x-kannel-udh': 'udh',
  'x-kannel-smsc': 'smsc',
  'x-kannel-mclass': 'mclass',
  'x-kannel-flash': 'flash',
  'x-kannel-mwi': 'mwi',
  'x-kannel-coding': 'coding',
  'x-kannel-compress': 'compress',
  'x-kannel-validity': 'validity',
  'x-kannel-deferred': 'deferred',
  'x-kannel-dlr-mask': 'dlr-mask',
  'x-kannel-dlr-url': 'dlr-url',
  'x-kannel-account': 'account',
  'x-kannel-pid': 'pid',
  'x-kannel-alt-dcs': 'alt-dcs',
  'x-kannel-rpi': 'rpi',
  'x-kannel-binfo': 'binfo',
  'x-kannel-priority': 'priority',
  'x-kannel-meta-data': 'meta-data',
};

/** The content types whose POST body is the text, with the parameters in `X-Kannel-*` headers. */
const TEXT_BODY_TYPES = new Set(['text/plain', 'text/html', 'application/octet-stream']);

/**
 * The parameters of a sendsms request as Kannel's user guide defines them: a GET's query; a POST
 * whose body is the text (`text/plain`, `application/octet-stream`, `text/html`) with the other
 * parameters in `X-Kannel-*` headers (the UDH in hex) and `charset` from its Content-Type; an XML
 * POST (`text/xml`, the user guide's `<message><submit>` document: kannel-xml.ts); a POST
 * of an urlencoded form (the query's parameters in the body, an extension Kannel lacks); a POST
 * without a body reads the query as a GET does.
 */
export function kannelParams(request: FastifyRequest): Map<string, Buffer> {
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const params = parseCgi(query);
  if (request.method !== 'POST' || !Buffer.isBuffer(request.body) || request.body.length === 0) return params;
  const [type = '', ...attributes] = String(request.headers['content-type'] ?? '').split(';');
  const mediaType = type.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded')
    return parseCgi(request.body.toString('latin1'), params);
  if (mediaType === 'text/xml') return kannelXmlParams(request.body);
  if (!TEXT_BODY_TYPES.has(mediaType)) throw new KannelError(400, 'Invalid content-type');
  const fromHeaders = new Map<string, Buffer>();
  for (const [header, name] of Object.entries(X_KANNEL_HEADERS)) {
    const value = request.headers[header];
    if (typeof value !== 'string') continue;
    fromHeaders.set(name, name === 'udh' ? Buffer.from(value, 'hex') : Buffer.from(value, 'latin1'));
  }
  fromHeaders.set('text', request.body);
  const charset = attributes
    .map((a) => a.trim())
    .find((a) => a.toLowerCase().startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  if (charset) fromHeaders.set('charset', Buffer.from(charset, 'latin1'));
  return fromHeaders;
}

/** A parameter as text (UTF-8), or undefined when absent; `aliases` are the deprecated names. */
export function paramText(params: KannelParams, name: string, ...aliases: string[]): string | undefined {
  for (const candidate of [name, ...aliases]) {
    const value = params.get(candidate);
    if (value !== undefined) return value.toString('utf8');
  }
  return undefined;
}
