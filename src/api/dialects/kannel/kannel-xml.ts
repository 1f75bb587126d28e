import { parseXml, XmlDtdError, type XmlElement } from '../../formats/xml.js';
import { decodeComponent } from './kannel-params.js';
import { KannelError } from './kannel-replies.js';

/** The encoding an XML declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`), lower-cased. */
const DECLARED_ENCODING = /^\uFEFF?<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;
/** Encodings the XML reader decodes itself (with their BOM or by default). */
const READER_ENCODINGS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'utf-16', 'utf16', 'unicode']);

/**
 * The document as the XML reader takes it: bytes when it decodes them itself, else text decoded
 * in the declared encoding (Kannel reads `ISO-8859-1` documents, as libxml2 does); an encoding no
 * decoder knows is an unreadable document.
 */
function documentOf(body: Buffer): string | Buffer {
  const declared = DECLARED_ENCODING.exec(body.subarray(0, 200).toString('latin1'))?.[1]?.toLowerCase();
  if (declared === undefined || READER_ENCODINGS.has(declared)) return body;
  try {
    const text = new TextDecoder(declared, { fatal: true }).decode(body);
    // The reader refuses a declared encoding it did not decode: the text is decoded now.
    return text.replace(DECLARED_ENCODING, (declaration) =>
      declaration.replace(/\sencoding\s*=\s*["'][^"']*["']/, ''),
    );
  } catch {
    return '';
  }
}

function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name && c.ns === '');
}

/**
 * The parameters of an XML POST (user guide, "XML Post"): `<message><submit>` with `da/number`
 * (several: the recipients), `oa/number`, `ud` (URL-encoded text, as Kannel decodes it), `udh`,
 * `meta-data`, `dcs/{mclass,coding,mwi,compress,alt-dcs}`, `pid`, `rpi`, `vp/delay`,
 * `timing/delay`, `statusrequest/{dlr-mask,dlr-url}`, `priority`, `smsc` or `to` (the smsc-id),
 * and `from/{user|username, pass|password, account, binfo}`, each becoming the query parameter
 * of the same meaning, so the request is then checked and answered as a GET is. Values are
 * trimmed, as Kannel strips them; the text is in the declared encoding (UTF-8 by default).
 *
 * A document that cannot be read yields no parameters at all — Kannel then finds no credentials
 * and answers `403 Authorization failed for sendsms` — except one with a DTD, which this gateway
 * refuses to read (no entity is ever expanded): `400 XML documents with a DTD are not accepted,
 * rejected`.
 */
export function kannelXmlParams(body: Buffer): Map<string, Buffer> {
  const params = new Map<string, Buffer>();
  let root: XmlElement;
  try {
    root = parseXml(documentOf(body));
  } catch (error) {
    if (error instanceof XmlDtdError)
      throw new KannelError(400, 'XML documents with a DTD are not accepted, rejected');
    return params;
  }
  const submit = root.name === 'message' && root.ns === '' ? child(root, 'submit') : undefined;
  if (!submit) return params;
  const set = (name: string, element: XmlElement | undefined) => {
    if (element !== undefined) params.set(name, Buffer.from(element.text.trim(), 'utf8'));
  };
  const from = child(submit, 'from');
  // `username` and `password` win over `user` and `pass`: Kannel reads them last.
  set('username', child(from, 'username') ?? child(from, 'user'));
  set('password', child(from, 'password') ?? child(from, 'pass'));
  set('account', child(from, 'account'));
  set('binfo', child(from, 'binfo'));
  set('from', child(child(submit, 'oa'), 'number'));
  const recipients = submit.children
    .filter((c) => c.name === 'da' && c.ns === '')
    .flatMap((da) => da.children.filter((c) => c.name === 'number' && c.ns === ''))
    .map((number) => number.text.trim());
  if (recipients.length > 0) params.set('to', Buffer.from(recipients.join(' '), 'utf8'));
  const udh = child(submit, 'udh')?.text.trim();
  // As X-Kannel-UDH: hex (`06050415820000`), else URL-encoded bytes.
  if (udh !== undefined)
    params.set('udh', /^([0-9a-fA-F]{2})*$/.test(udh) ? Buffer.from(udh, 'hex') : decodeComponent(udh));
  set('meta-data', child(submit, 'meta-data'));
  set('smsc', child(submit, 'smsc') ?? child(submit, 'to'));
  const dcs = child(submit, 'dcs');
  for (const name of ['mclass', 'coding', 'mwi', 'compress', 'alt-dcs']) set(name, child(dcs, name));
  set('pid', child(submit, 'pid'));
  set('rpi', child(submit, 'rpi'));
  set('validity', child(child(submit, 'vp'), 'delay'));
  set('deferred', child(child(submit, 'timing'), 'delay'));
  set('priority', child(submit, 'priority'));
  const status = child(submit, 'statusrequest');
  set('dlr-mask', child(status, 'dlr-mask'));
  set('dlr-url', child(status, 'dlr-url'));
  const ud = child(submit, 'ud');
  if (ud !== undefined) {
    const data = ud.text.trim();
    if (ud.attrs.some((a) => a.name === 'type' && a.value.toLowerCase() === 'binary')) {
      // Binary user data, hex as the guide writes it: an 8-bit message unless a coding says otherwise.
      if (!/^([0-9a-fA-F]{2})*$/.test(data)) throw new KannelError(400, 'Text field misformed, rejected');
      params.set('text', Buffer.from(data, 'hex'));
      if (!params.has('coding')) params.set('coding', Buffer.from('1'));
    } else {
      params.set('text', decodeComponent(data));
    }
  }
  // The reader has decoded the document: its text is UTF-8 now, whatever the declaration said.
  params.set('charset', Buffer.from('UTF-8'));
  return params;
}
