/** The element tree `parseXml` returns, and small helpers to read it. */

/** An attribute, namespace-resolved. Namespace declarations (`xmlns`, `xmlns:p`) are not listed. */
export interface XmlAttribute {
  /** Local name, without prefix. */
  readonly name: string;
  /** Namespace URI; `''` for an unprefixed attribute (attributes take no default namespace). */
  readonly ns: string;
  /** The prefix as written, `''` when none. */
  readonly prefix: string;
  /** The value, entities resolved and whitespace normalised as XML requires. */
  readonly value: string;
}

/** An element of a parsed document. */
export interface XmlElement {
  /** Local name, without prefix. */
  readonly name: string;
  /** Namespace URI, `''` when the element is in no namespace. */
  readonly ns: string;
  /** The prefix as written, `''` when none. */
  readonly prefix: string;
  /** Attributes in document order, namespace declarations left out. */
  readonly attrs: readonly XmlAttribute[];
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /**
   * All character data directly inside this element (text and CDATA, entities resolved), in
   * document order and untrimmed; in an element with children this includes the indentation.
   */
  readonly text: string;
}

/** The XML Schema instance namespace (`i:nil`, `i:type`). */
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** The value of `element`'s attribute `name` in namespace `ns` (default: no namespace), if present. */
export function xmlAttribute(element: XmlElement, name: string, ns = ''): string | undefined {
  return element.attrs.find((attribute) => attribute.name === name && attribute.ns === ns)?.value;
}
