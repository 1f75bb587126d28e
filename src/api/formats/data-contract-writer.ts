import { DC_ARRAYS_NAMESPACE, type DcMember, type DcType } from './data-contract-types.js';
import { formatXsdDateTime } from './dotnet-dates.js';
import { formatInvariantNumber } from './jsv-writer.js';
import { XSI_NAMESPACE } from './xml-tree.js';

/** Deepest element nesting written before giving up (a cycle in the value ends here too). */
const MAX_WRITE_DEPTH = 64;

const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
// Not representable in XML 1.0 at all (control characters, U+FFFE/U+FFFF, unpaired surrogates).
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_SPECIALS = /[&<>\r]/g;
const ATTRIBUTE_SPECIALS = /[&<>"\r\n\t]/g;
// CR is written as a reference: XML parsers turn a literal CR into LF.
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#xD;',
  '\n': '&#xA;',
  '\t': '&#x9;',
};
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Writes `value` as .NET's DataContractSerializer does for ServiceStack's XML responses: the XML
 * declaration, no indentation, the root element `rootName` with `xmlns:i` (XML Schema instance)
 * and `xmlns="namespace"`, members in DataContract order (see {@link DcType.order}), null members
 * as `<X i:nil="true" />`, lists as wrapper elements, dictionaries as `KeyValueOf…` entries.
 * A member whose type lives in a namespace not yet in scope declares it on the member element
 * with DataContractSerializer's generated prefix, `d{depth}p1` (root = depth 1), so
 * `ResponseStatus` in a DTO's root reads `<ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types"><d2p1:ErrorCode>…`.
 *
 * Scalars: booleans `true`/`false`, numbers invariant (`INF`, `-INF`, `NaN` as XSD spells them),
 * Dates as UTC `xs:dateTime`, strings escaped (`&` `<` `>`; CR as `&#xD;` so it survives parsing).
 * Characters XML cannot carry (most C0 controls, unpaired surrogates) become U+FFFD rather than
 * failing the response; names that are not XML names are encoded as `_xHHHH_` like
 * `XmlConvert.EncodeLocalName`. Nested plain objects without a description are written as types
 * in the enclosing namespace; arrays need one (their item element name cannot be guessed).
 *
 * @param typeInfo how the root type is written; its `namespace` is ignored (`namespace` wins).
 * @throws TypeError for an undescribed array or a function/symbol value, RangeError past 64 levels
 *   or for an invalid Date (programming errors, never caused by a request).
 */
export function writeDataContract(
  rootName: string,
  namespace: string,
  value: unknown,
  typeInfo: DcType = {},
): string {
  const writer = new DcWriter(namespace);
  const root = encodeName(rootName);
  const open = `${XML_DECLARATION}<${root} xmlns:i="${escapeAttribute(XSI_NAMESPACE)}" xmlns="${escapeAttribute(namespace)}"`;
  if (value === null || value === undefined) return `${open} i:nil="true" />`;
  const content = writer.typeContent(value, { ...typeInfo, namespace }, namespace, 1, rootName);
  return content === '' ? `${open} />` : `${open}>${content}</${root}>`;
}

class DcWriter {
  /** Prefix per namespace in scope along the element being written; the root's namespace is the default. */
  private readonly prefixes = new Map<string, string>();

  constructor(rootNamespace: string) {
    this.prefixes.set(rootNamespace, '');
  }

  /** The members of `value` (a DataContract type in `ns`, written at element depth `depth`). */
  typeContent(value: unknown, type: DcType, ns: string, depth: number, path: string): string {
    if (depth > MAX_WRITE_DEPTH)
      throw new RangeError(`DataContract value at ${path} is nested too deep (a cycle?)`);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      throw new TypeError(`DataContract value at ${path} must be an object`);
    }
    const record = value as Record<string, unknown>;
    const names =
      type.order ??
      Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let out = '';
    for (const name of names) {
      const member = Object.hasOwn(record, name) ? record[name] : undefined;
      if ((member === null || member === undefined) && omitsNull(type, name)) continue;
      out += this.member(name, member, type.members?.[name], ns, depth + 1, `${path}.${name}`);
    }
    return out;
  }

  /** One member element `name` in namespace `ns` at `depth`. */
  private member(
    name: string,
    value: unknown,
    info: DcMember | undefined,
    ns: string,
    depth: number,
    path: string,
  ): string {
    const described = info ?? inferMember(value, path);
    const qname = this.qualify(ns, encodeName(name));
    if (described === undefined) {
      if (value === null || value === undefined) return `<${qname} i:nil="true" />`;
      return scalarElement(qname, formatScalar(value, path));
    }
    const childNs =
      described.kind === 'dictionary'
        ? DC_ARRAYS_NAMESPACE
        : ((described.kind === 'object' ? described.type.namespace : described.item?.namespace) ?? ns);
    const declared = !this.prefixes.has(childNs);
    const prefix = `d${depth}p1`;
    const declaration = declared ? ` xmlns:${prefix}="${escapeAttribute(childNs)}"` : '';
    if (declared) this.prefixes.set(childNs, prefix);
    try {
      if (value === null || value === undefined) return `<${qname}${declaration} i:nil="true" />`;
      let content: string;
      if (described.kind === 'object')
        content = this.typeContent(value, described.type, childNs, depth, path);
      else if (described.kind === 'list')
        content = this.listItems(value, described, childNs, depth + 1, path);
      else
        content = this.dictionaryItems(
          value,
          described.itemName ?? 'KeyValueOfstringstring',
          depth + 1,
          path,
        );
      return element(qname, declaration, content);
    } finally {
      // The declaration is in scope for this element's descendants only.
      if (declared) this.prefixes.delete(childNs);
    }
  }

  private listItems(
    value: unknown,
    info: { readonly itemName: string; readonly item?: DcType },
    ns: string,
    depth: number,
    path: string,
  ): string {
    if (!Array.isArray(value)) throw new TypeError(`DataContract list at ${path} must be an array`);
    const qname = this.qualify(ns, encodeName(info.itemName));
    let out = '';
    value.forEach((item: unknown, i) => {
      const itemPath = `${path}[${i}]`;
      if (item === null || item === undefined) out += `<${qname} i:nil="true" />`;
      else if (isScalar(item)) out += scalarElement(qname, formatScalar(item, itemPath));
      else
        out += element(
          qname,
          '',
          this.typeContent(item, { ...info.item, namespace: ns }, ns, depth, itemPath),
        );
    });
    return out;
  }

  private dictionaryItems(value: unknown, itemName: string, depth: number, path: string): string {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`DataContract dictionary at ${path} must be an object`);
    }
    if (depth + 1 > MAX_WRITE_DEPTH) throw new RangeError(`DataContract value at ${path} is nested too deep`);
    const entry = this.qualify(DC_ARRAYS_NAMESPACE, encodeName(itemName));
    const key = this.qualify(DC_ARRAYS_NAMESPACE, 'Key');
    const val = this.qualify(DC_ARRAYS_NAMESPACE, 'Value');
    let out = '';
    for (const [k, v] of Object.entries(value)) {
      const written =
        v === null || v === undefined
          ? `<${val} i:nil="true" />`
          : scalarElement(val, formatScalar(v, `${path}.${k}`));
      out += `<${entry}>${scalarElement(key, k)}${written}</${entry}>`;
    }
    return out;
  }

  private qualify(ns: string, local: string): string {
    const prefix = this.prefixes.get(ns);
    // Unreachable through writeDataContract: every member declares its type's namespace first.
    if (prefix === undefined) throw new Error(`namespace ${ns} is not in scope`);
    return prefix === '' ? local : `${prefix}:${local}`;
  }
}

/** A container element; with no content it is self-closed the way XmlWriter writes it (`<X />`). */
function element(qname: string, declaration: string, content: string): string {
  return content === '' ? `<${qname}${declaration} />` : `<${qname}${declaration}>${content}</${qname}>`;
}

/** A scalar member: always an end tag, so the empty string is `<X></X>` as XmlWriter writes it. */
function scalarElement(qname: string, text: string): string {
  return `<${qname}>${escapeText(text)}</${qname}>`;
}

function omitsNull(type: DcType, name: string): boolean {
  return type.omitNull === true || (Array.isArray(type.omitNull) && type.omitNull.includes(name));
}

function isScalar(value: unknown): boolean {
  return typeof value !== 'object' || value instanceof Date;
}

/** A member with no description: a plain object is a type in the same namespace; an array is an error. */
function inferMember(value: unknown, path: string): DcMember | undefined {
  if (Array.isArray(value)) {
    throw new TypeError(`DataContract member ${path} is a list: describe it with { kind: 'list', itemName }`);
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date))
    return { kind: 'object', type: {} };
  return undefined;
}

function formatScalar(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (value === Number.POSITIVE_INFINITY) return 'INF';
      if (value === Number.NEGATIVE_INFINITY) return '-INF';
      return formatInvariantNumber(value);
  }
  if (value instanceof Date) return formatXsdDateTime(value);
  throw new TypeError(`DataContract value at ${path} cannot be written (${typeof value})`);
}

function escapeText(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(TEXT_SPECIALS, (c) => ENTITIES[c] ?? c);
}

function escapeAttribute(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(ATTRIBUTE_SPECIALS, (c) => ENTITIES[c] ?? c);
}

/** `XmlConvert.EncodeLocalName`: characters that cannot appear in an XML name become `_xHHHH_`. */
function encodeName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charAt(i);
    const ok = i === 0 ? NAME_START.test(c) : NAME_CHAR.test(c);
    out += ok ? c : `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
  }
  return out === '' ? '_' : out;
}
