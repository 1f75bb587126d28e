import { type DcMember, type DcType, RESPONSE_STATUS_MEMBER } from '../../formats/xml.js';

/**
 * The DTOs of the ServiceStack services, described once: the binder reads requests with it, the
 * writer answers with it in JSON, XML and JSV, and the metadata pages list it. A description
 * mirrors the C# type the seeds show: member names as declared, in declaration order, and the
 * base class (`BaseLicenseeEnforcedServiceModel`) as `base`.
 */

/** Scalars the services use. Every other .NET type on the seeds' pages is one of these. */
export const DTO_SCALARS = ['string', 'bool', 'Guid'] as const;
/** One of {@link DTO_SCALARS}. */
export type DtoScalar = (typeof DTO_SCALARS)[number];

/** What a member holds. */
export type DtoMemberType =
  | DtoScalar
  | { readonly kind: 'object'; readonly type: DtoType }
  | { readonly kind: 'list'; readonly type: DtoType }
  /** ServiceStack's own `ResponseStatus` (written by the error renderer's description). */
  | { readonly kind: 'responseStatus' };

/** One data member. */
export interface DtoMember {
  /** As declared in C# (and as JSV and XML spell it). */
  readonly name: string;
  readonly type: DtoMemberType;
  readonly description?: string;
}

/** One DTO type. */
export interface DtoType {
  readonly name: string;
  /** Its DataContract namespace (XML). */
  readonly namespace: string;
  /** Its own members, in declaration order. */
  readonly members: readonly DtoMember[];
  /** The class it derives from, whose members it has too. */
  readonly base?: DtoType;
  readonly description?: string;
}

/**
 * How JSON names members: as declared (a host with camel case off, as seed 000's is) or camelCase
 * (a .NET Core host's default, as seed 002's Python DTOs show for `SMSSend`).
 */
export const JSON_CASES = ['declared', 'camel'] as const;
/** One of {@link JSON_CASES}. */
export type JsonCase = (typeof JSON_CASES)[number];

/**
 * The members of a type in the order ServiceStack's text serializers (JSON, JSV) write them: its
 * own in declaration order, then its base class's (seed 001's JSV sample ends `SMSModel` with the
 * inherited `LicenseeId`).
 */
export function wireMembers(type: DtoType): readonly DtoMember[] {
  return type.base ? [...type.members, ...wireMembers(type.base)] : type.members;
}

/**
 * The members in DataContractSerializer's order: the base class's first, then the type's own in
 * ordinal (case-sensitive) alphabetical order, as none of these declares an `Order`.
 */
export function dataContractMembers(type: DtoType): readonly DtoMember[] {
  const own = [...type.members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return type.base ? [...dataContractMembers(type.base), ...own] : own;
}

/** Every member of a type, own and inherited, for lookups by name. */
export function allMembers(type: DtoType): readonly DtoMember[] {
  return wireMembers(type);
}

/**
 * ServiceStack's camelCase: the leading run of capitals is lowered, except the last of a run that
 * starts a word (`SMSModel` → `smsModel`, `CommId` → `commId`, `ID` → `id`).
 */
export function camelCase(name: string): string {
  let end = 0;
  while (end < name.length && /[A-Z]/.test(name.charAt(end))) end++;
  if (end === 0) return name;
  if (end === name.length) return name.toLowerCase();
  const lowered = end === 1 ? 1 : end - 1;
  return name.slice(0, lowered).toLowerCase() + name.slice(lowered);
}

/** A member's name in JSON under `jsonCase`. */
export function jsonName(name: string, jsonCase: JsonCase): string {
  return jsonCase === 'camel' ? camelCase(name) : name;
}

/** The description `writeDataContract` needs for a type. */
export function dataContractType(type: DtoType): DcType {
  const members: Record<string, DcMember> = {};
  for (const member of allMembers(type)) {
    const described = dataContractMember(member.type);
    if (described) members[member.name] = described;
  }
  return {
    namespace: type.namespace,
    order: dataContractMembers(type).map((member) => member.name),
    members,
  };
}

function dataContractMember(type: DtoMemberType): DcMember | undefined {
  if (typeof type === 'string') return undefined;
  switch (type.kind) {
    case 'object':
      return { kind: 'object', type: dataContractType(type.type) };
    case 'list':
      return { kind: 'list', itemName: type.type.name, item: dataContractType(type.type) };
    case 'responseStatus':
      return RESPONSE_STATUS_MEMBER;
  }
}

/** How the metadata pages name a member's type (`string`, `List<SMSContact>`, `Guid`). */
export function typeLabel(type: DtoMemberType): string {
  if (typeof type === 'string') return type;
  switch (type.kind) {
    case 'object':
      return type.type.name;
    case 'list':
      return `List<${type.type.name}>`;
    case 'responseStatus':
      return 'ResponseStatus';
  }
}
