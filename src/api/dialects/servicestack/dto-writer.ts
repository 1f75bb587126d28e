import { formatGuidD, formatGuidN } from '../../formats/dotnet-values.js';
import { stringifyJsv } from '../../formats/jsv.js';
import type { ResponseFormat } from '../../formats/negotiation.js';
import { writeDataContract } from '../../formats/xml.js';
import {
  type DtoMemberType,
  type DtoType,
  dataContractType,
  type JsonCase,
  jsonName,
  wireMembers,
} from './dto-model.js';

/** A response DTO by declared member names; undefined or null members are not set. */
export type DtoValue = { readonly [member: string]: unknown };

/**
 * Writes a response DTO as ServiceStack does in each format:
 * - JSON: members in declaration order, named per `jsonCase`, nulls left out, GUIDs as 32 hex
 *   digits (`"N"`);
 * - JSV: declared names, nulls left out, `True`/`False`, GUIDs `N`;
 * - XML: DataContractSerializer's form (see `writeDataContract`): declared names in DataContract
 *   order, nulls as `i:nil`, GUIDs dashed (`"D"`, as DataContractSerializer writes a Guid).
 * `ResponseStatus` members hold `{ErrorCode, Message, Errors: [{ErrorCode, FieldName, Message}]}`.
 */
export function writeDto(format: ResponseFormat, type: DtoType, value: DtoValue, jsonCase: JsonCase): string {
  switch (format) {
    case 'json':
      return JSON.stringify(textValue(value, type, jsonCase));
    case 'jsv':
      return stringifyJsv(textValue(value, type, 'declared'));
    case 'xml':
      return writeDataContract(type.name, type.namespace, xmlValue(value, type), dataContractType(type));
  }
}

/** The DTO as a plain object for JSON or JSV: members in wire order, names cased, GUIDs `N`. */
function textValue(value: DtoValue, type: DtoType, jsonCase: JsonCase): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of wireMembers(type)) {
    const v = value[member.name];
    if (v === undefined || v === null) continue;
    out[jsonName(member.name, jsonCase)] = textMember(v, member.type, jsonCase);
  }
  return out;
}

function textMember(value: unknown, type: DtoMemberType, jsonCase: JsonCase): unknown {
  if (type === 'Guid') return formatGuidN(String(value));
  if (typeof type === 'string') return value;
  switch (type.kind) {
    case 'object':
      return textValue(value as DtoValue, type.type, jsonCase);
    case 'list':
      return (value as DtoValue[]).map((item) => textValue(item, type.type, jsonCase));
    case 'responseStatus':
      return casedKeys(value, jsonCase);
  }
}

/** ResponseStatus and its errors: plain data whose keys follow the JSON case. */
function casedKeys(value: unknown, jsonCase: JsonCase): unknown {
  if (Array.isArray(value)) return value.map((item) => casedKeys(item, jsonCase));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined && member !== null) out[jsonName(key, jsonCase)] = casedKeys(member, jsonCase);
  }
  return out;
}

/** The DTO for the DataContract writer: declared names, GUIDs `D`. */
function xmlValue(value: DtoValue, type: DtoType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of wireMembers(type)) {
    const v = value[member.name];
    if (v === undefined || v === null) continue;
    out[member.name] = xmlMember(v, member.type);
  }
  return out;
}

function xmlMember(value: unknown, type: DtoMemberType): unknown {
  if (type === 'Guid') return formatGuidD(String(value));
  if (typeof type === 'string') return value;
  switch (type.kind) {
    case 'object':
      return xmlValue(value as DtoValue, type.type);
    case 'list':
      return (value as DtoValue[]).map((item) => xmlValue(item, type.type));
    case 'responseStatus':
      return value;
  }
}
