import { DC_ARRAYS_NAMESPACE } from './data-contract-types.js';
import { defineOwn } from './own-property.js';
import { type XmlElement, XSI_NAMESPACE, xmlAttribute } from './xml-tree.js';

/** A DataContract XML document read into plain data: every scalar is a string, as in JSV. */
export type DataContractValue = string | null | DataContractValue[] | { [key: string]: DataContractValue };

/** Options for {@link parseDataContract}. */
export interface DataContractReadOptions {
  /**
   * Element names (any letter case) that are lists: read as arrays even when they hold one item
   * or none. Without this a wrapper with a single item is indistinguishable from a nested object.
   */
  readonly lists?: readonly string[];
}

/**
 * Reads a ServiceStack (DataContractSerializer) XML element into plain data, leniently: element
 * order and namespaces do not matter (DataContractSerializer itself binds only in-order,
 * same-namespace elements), keys are element local names, attributes other than `i:nil` are
 * ignored. For each element:
 * - `i:nil="true"` gives null;
 * - no child elements gives its text, untrimmed (or `[]` for a name in `lists`);
 * - a name in `lists`, children all in the Arrays namespace (`<string>` items), or two or more
 *   children all of one name give an array of the children;
 * - `KeyValueOf…` children in the Arrays namespace give an object from their `Key` and `Value`;
 * - otherwise an object keyed by child name; a repeated name keeps its first value.
 * The result is for the root element itself (usually an object named after the request DTO,
 * whose name is `root.name`). Iterative, so any depth the XML parser allowed is fine.
 */
export function parseDataContract(
  root: XmlElement,
  options: DataContractReadOptions = {},
): DataContractValue {
  const lists = new Set((options.lists ?? []).map((name) => name.toLowerCase()));
  // Elements in document order; converting them in reverse sees every child before its parent.
  const order: XmlElement[] = [];
  const pending: XmlElement[] = [root];
  while (pending.length > 0) {
    const element = pending.pop()!;
    order.push(element);
    for (const child of element.children) pending.push(child);
  }
  const values = new Map<XmlElement, DataContractValue>();
  for (let i = order.length - 1; i >= 0; i--) {
    const element = order[i]!;
    values.set(element, convert(element, lists, values));
  }
  return values.get(root) ?? null;
}

function convert(
  element: XmlElement,
  lists: ReadonlySet<string>,
  values: ReadonlyMap<XmlElement, DataContractValue>,
): DataContractValue {
  if (isNil(element)) return null;
  const { children } = element;
  const value = (child: XmlElement) => values.get(child) ?? null;
  const isList = lists.has(element.name.toLowerCase());
  if (children.length === 0) return isList ? [] : element.text;
  if (isList) return children.map(value);
  if (children.every((child) => child.ns === DC_ARRAYS_NAMESPACE)) {
    if (children.every((child) => child.name.startsWith('KeyValueOf'))) return dictionary(children, values);
    return children.map(value);
  }
  const first = children[0]!.name;
  if (children.length > 1 && children.every((child) => child.name === first)) return children.map(value);
  const object: Record<string, DataContractValue> = {};
  for (const child of children) {
    if (!Object.hasOwn(object, child.name)) defineOwn(object, child.name, value(child));
  }
  return object;
}

function dictionary(
  entries: readonly XmlElement[],
  values: ReadonlyMap<XmlElement, DataContractValue>,
): Record<string, DataContractValue> {
  const object: Record<string, DataContractValue> = {};
  for (const entry of entries) {
    const key = entry.children.find((child) => child.name === 'Key');
    if (!key || isNil(key) || key.children.length > 0) continue;
    const valueElement = entry.children.find((child) => child.name === 'Value');
    const value = valueElement ? (values.get(valueElement) ?? null) : null;
    if (!Object.hasOwn(object, key.text)) defineOwn(object, key.text, value);
  }
  return object;
}

function isNil(element: XmlElement): boolean {
  const nil = xmlAttribute(element, 'nil', XSI_NAMESPACE);
  return nil !== undefined && (nil.trim() === 'true' || nil.trim() === '1');
}
