/**
 * Namespaces and type descriptions for ServiceStack's XML (.NET DataContractSerializer), shared
 * by the DataContract reader and writer.
 */

/** Namespace of primitive lists (`<string>` items) and dictionaries (`KeyValueOf…` items). */
export const DC_ARRAYS_NAMESPACE = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
/** Namespace of ServiceStack's own types: `ResponseStatus`, `ResponseError`, `ErrorResponse`. */
export const SERVICESTACK_TYPES_NAMESPACE = 'http://schemas.servicestack.net/types';

/** The default contract namespace of a type in CLR namespace `clrNamespace`. */
export function dataContractNamespace(clrNamespace: string): string {
  return `http://schemas.datacontract.org/2004/07/${clrNamespace}`;
}

/** How one DataContract type is written. */
export interface DcType {
  /**
   * The type's contract namespace; its members are written in it. Default: the namespace of the
   * type it appears in.
   */
  readonly namespace?: string;
  /**
   * Every data member, in DataContract order (base-class members, then unordered members
   * alphabetically, then by `Order`). Members missing from the value are written as `i:nil`; keys
   * not listed are not members and are not written. Default: the value's own keys whose value is
   * not undefined, in ordinal order (DataContractSerializer's order for unordered members).
   */
  readonly order?: readonly string[];
  /** The members that are not scalars: nested types, lists and dictionaries. */
  readonly members?: Readonly<Record<string, DcMember>>;
  /**
   * Members written only when not null (`[DataMember(EmitDefaultValue = false)]`); `true` for all.
   * Other null members are written as `<X i:nil="true" />`, DataContractSerializer's default.
   */
  readonly omitNull?: boolean | readonly string[];
}

/** A member that is not a scalar. Scalars (string, number, bigint, boolean, Date) need no description. */
export type DcMember =
  /** A nested DataContract type. */
  | { readonly kind: 'object'; readonly type: DcType }
  /**
   * A list, written as a wrapper element named after the member with one `itemName` element per
   * item (e.g. `ResponseError`). Items are in `item`'s namespace (default: the enclosing type's);
   * for primitive lists use {@link DC_STRING_LIST} or `item: { namespace: DC_ARRAYS_NAMESPACE }`.
   */
  | { readonly kind: 'list'; readonly itemName: string; readonly item?: DcType }
  /**
   * A dictionary, written as `KeyValueOf…` entries with `Key` and `Value` in
   * {@link DC_ARRAYS_NAMESPACE}. `itemName` defaults to `KeyValueOfstringstring`.
   */
  | { readonly kind: 'dictionary'; readonly itemName?: string };

/** A `List<string>` member: `<string>` items in the Arrays namespace. */
export const DC_STRING_LIST: DcMember = {
  kind: 'list',
  itemName: 'string',
  item: { namespace: DC_ARRAYS_NAMESPACE },
};
/** A `Dictionary<string,string>` member. */
export const DC_STRING_DICTIONARY: DcMember = { kind: 'dictionary' };

/** ServiceStack's `ResponseError`: ErrorCode, FieldName, Message, Meta. */
export const RESPONSE_ERROR_TYPE: DcType = {
  namespace: SERVICESTACK_TYPES_NAMESPACE,
  order: ['ErrorCode', 'FieldName', 'Message', 'Meta'],
  members: { Meta: DC_STRING_DICTIONARY },
};

/** ServiceStack's `ResponseStatus`: ErrorCode, Message, StackTrace, Errors (ResponseError), Meta. */
export const RESPONSE_STATUS_TYPE: DcType = {
  namespace: SERVICESTACK_TYPES_NAMESPACE,
  order: ['ErrorCode', 'Message', 'StackTrace', 'Errors', 'Meta'],
  members: {
    Errors: { kind: 'list', itemName: 'ResponseError', item: RESPONSE_ERROR_TYPE },
    Meta: DC_STRING_DICTIONARY,
  },
};

/** A `ResponseStatus` member, the usual way response DTOs carry errors. */
export const RESPONSE_STATUS_MEMBER: DcMember = { kind: 'object', type: RESPONSE_STATUS_TYPE };
