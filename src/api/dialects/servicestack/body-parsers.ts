import type { BodyParser } from '../../dialect.js';
import { parseForm } from '../../formats/form.js';
import { parseJsonBody } from '../../formats/json.js';
import { parseJsv } from '../../formats/jsv.js';
import { parseMultipart } from '../../formats/multipart.js';
import { parseDataContract, parseXml } from '../../formats/xml.js';
import { decodeUtf8 } from '../../input-safety.js';

/**
 * The bodies a ServiceStack service reads, each into plain data for `bindDto`: JSON, XML
 * (DataContract, DOCTYPEs refused), JSV, and forms (urlencoded or multipart). An empty body is no
 * body (an empty DTO). Anything else is a 415 in the dialect's shape.
 */
export const SERVICESTACK_PARSERS: readonly BodyParser[] = [
  { contentTypes: ['application/json', 'text/json'], parse: (body) => parseJsonBody(body) },
  { contentTypes: ['application/xml', 'text/xml'], parse: (body) => readXml(body) },
  { contentTypes: ['application/jsv', 'text/jsv'], parse: (body) => readJsv(body) },
  { contentTypes: ['application/x-www-form-urlencoded'], parse: (body) => parseForm(body) },
  {
    contentTypes: ['multipart/form-data'],
    parse: (body, request) => parseMultipart(body, String(request.headers['content-type'] ?? '')),
  },
];

function readXml(body: Buffer): unknown {
  if (body.length === 0 || body.toString('latin1').trim() === '') return undefined;
  return parseDataContract(parseXml(body));
}

/**
 * JSV is read as ServiceStack reads it (whitespace is part of a value) unless it spans lines:
 * a line break outside quotes is never part of a value (ServiceStack quotes those), so such text
 * is the indented form of the metadata pages, whose sample sent as shown must work; it is read
 * with the whitespace around values ignored.
 */
function readJsv(body: Buffer): unknown {
  const text = decodeUtf8(body);
  if (text.trim() === '') return undefined;
  return parseJsv(text, { lenient: hasLineBreakOutsideQuotes(text) });
}

function hasLineBreakOutsideQuotes(text: string): boolean {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A doubled quote inside a quoted string toggles twice: still inside.
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) return true;
  }
  return false;
}
