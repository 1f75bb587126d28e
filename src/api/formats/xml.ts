import { SaxesParser } from 'saxes';
import { GatewayError } from '../../core/errors.js';
import { XmlDtdError, XmlSyntaxError } from './format-errors.js';
import type { XmlAttribute, XmlElement } from './xml-tree.js';

export { parseDataContract } from './data-contract-reader.js';
export * from './data-contract-types.js';
export { writeDataContract } from './data-contract-writer.js';
export { XmlDtdError, XmlSyntaxError } from './format-errors.js';
export { type XmlAttribute, type XmlElement, XSI_NAMESPACE, xmlAttribute } from './xml-tree.js';

/** Limits for {@link parseXml}. */
export interface XmlParseOptions {
  /**
   * Deepest element nesting accepted (default 64: XML needs two levels per list, JSON one). Keep it
   * modest: saxes resolves each prefix by walking the open elements, so time grows with depth.
   */
  readonly maxDepth?: number;
  /**
   * Largest document accepted: UTF-16 code units for a string, bytes for binary input (default
   * 1 MiB, what ServiceStack's `XmlSerializer` sets as `MaxCharactersInDocument`).
   */
  readonly maxLength?: number;
}

/** Default {@link XmlParseOptions.maxDepth}. */
export const XML_MAX_DEPTH = 64;
/** Default {@link XmlParseOptions.maxLength}. */
export const XML_MAX_LENGTH = 1024 * 1024;

const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';
const DTD_MARKUP = /<!(?:DOCTYPE|ENTITY)/i;
const SAXES_MESSAGE = /^(\d+):(\d+): (.*?)\.?$/s;
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
const UTF16_LABELS = new Set(['utf-16', 'utf16', 'utf-16le', 'utf-16be', 'unicode']);

interface MutableElement {
  name: string;
  ns: string;
  prefix: string;
  attrs: XmlAttribute[];
  children: MutableElement[];
  text: string;
}

/**
 * Parses an XML document strictly (well-formedness and namespaces, XML 1.0 rules) into a small
 * element tree. Refuses any DOCTYPE, so no entity is ever declared or fetched: only the five
 * predefined entities and numeric character references are resolved. Comments and processing
 * instructions are dropped. Binary input must be UTF-8 (BOM optional) or UTF-16 with a BOM, and
 * may not declare another encoding; a string is taken as already decoded.
 *
 * @throws XmlDtdError for a DOCTYPE or entity declaration, XmlSyntaxError for anything else wrong
 *   (malformed, undeclared prefix, unknown entity, too deep, too large, bad encoding); never any
 *   other error.
 */
export function parseXml(input: string | Uint8Array, options: XmlParseOptions = {}): XmlElement {
  const maxLength = options.maxLength ?? XML_MAX_LENGTH;
  if (typeof input !== 'string' && !(input instanceof Uint8Array))
    throw new XmlSyntaxError('XML input must be text');
  if (input.length > maxLength) {
    const unit = typeof input === 'string' ? 'characters' : 'bytes';
    throw new XmlSyntaxError(
      `XML is larger than the limit of ${maxLength} ${unit}`,
      maxLength,
      'xml_too_large',
    );
  }
  const decoded = typeof input === 'string' ? { text: input, encoding: undefined } : decode(input);
  const parser = new SaxesParser({
    xmlns: true,
    position: true,
    defaultXMLVersion: '1.0',
    forceXMLVersion: true,
  });
  try {
    return buildTree(parser, decoded.text, decoded.encoding, options.maxDepth ?? XML_MAX_DEPTH);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    // A DOCTYPE that never closes makes saxes fail before its doctype event; say what it was.
    if (DTD_MARKUP.test(decoded.text)) throw new XmlDtdError();
    const message = error instanceof Error ? error.message : String(error);
    const located = SAXES_MESSAGE.exec(message);
    const detail = located ? `line ${located[1]}, column ${located[2]}: ${located[3]}` : message;
    throw new XmlSyntaxError(`Invalid XML at ${detail}`, parser.position);
  }
}

function buildTree(
  parser: SaxesParser<{ xmlns: true; position: true }>,
  text: string,
  encoding: 'utf-8' | 'utf-16' | undefined,
  maxDepth: number,
): XmlElement {
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;

  parser.on('doctype', () => {
    throw new XmlDtdError(parser.position);
  });
  parser.on('xmldecl', (declaration) => {
    const label = declaration.encoding?.toLowerCase();
    if (encoding === undefined || label === undefined) return;
    if (encoding === 'utf-8' ? UTF8_LABELS.has(label) : UTF16_LABELS.has(label)) return;
    throw new XmlSyntaxError(
      `XML declares encoding "${declaration.encoding}"; only UTF-8 (or UTF-16 with a byte order mark) is read`,
      parser.position,
      'xml_unsupported_encoding',
    );
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth) {
      throw new XmlSyntaxError(
        `XML is nested deeper than the limit of ${maxDepth} levels (line ${parser.line})`,
        parser.position,
        'xml_too_deep',
      );
    }
    const attrs: XmlAttribute[] = [];
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.uri === XMLNS_NAMESPACE) continue;
      attrs.push({
        name: attribute.local,
        ns: attribute.uri,
        prefix: attribute.prefix,
        value: attribute.value,
      });
    }
    const element: MutableElement = {
      name: tag.local,
      ns: tag.uri,
      prefix: tag.prefix,
      attrs,
      children: [],
      text: '',
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const appendText = (data: string) => {
    const current = stack[stack.length - 1];
    if (current) current.text += data;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);

  parser.write(text).close();
  if (!root) throw new XmlSyntaxError('XML has no root element');
  return root;
}

function decode(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'utf-16' } {
  const label =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  try {
    // fatal: bytes that are not valid in the encoding are refused, never replaced with U+FFFD.
    const text = new TextDecoder(label, { fatal: true }).decode(bytes);
    return { text, encoding: label === 'utf-8' ? 'utf-8' : 'utf-16' };
  } catch {
    throw new XmlSyntaxError(`XML is not valid ${label === 'utf-8' ? 'UTF-8' : 'UTF-16'} text`);
  }
}
