import { type FieldErrors, ValidationError } from '../../../core/errors.js';
import { parseDotNetBool, parseGuid } from '../../formats/dotnet-values.js';
import { parseJsv } from '../../formats/jsv.js';
import type { Format } from '../../formats/negotiation.js';
import { defineOwn } from '../../formats/own-property.js';
import { getProperty } from '../../formats/property-lookup.js';
import { allMembers, type DtoMemberType, type DtoType } from './dto-model.js';

/** A request DTO as bound: members by declared name; absent, null, empty and all-zero GUIDs left out. */
export type BoundDto = { readonly [member: string]: BoundValue | undefined };
/** A bound member: text, a boolean, a GUID (32 lowercase hex digits), a nested DTO or a list. */
export type BoundValue = string | boolean | BoundDto | readonly (BoundDto | undefined)[];

const ZERO_GUID = '0'.repeat(32);

/**
 * Binds a request body, as one of the body parsers read it, to a DTO the way ServiceStack binds
 * one: member names in any letter case, unknown members ignored, each member converted to its
 * declared type. What each format brings:
 * - JSON: typed values; numbers and booleans are accepted for text, `"true"`/`"false"` for bools;
 * - XML (DataContract, read without type hints): text everywhere; a list's wrapper holds one
 *   child per item (a single item reads as `{SmsMessage: {...}}`, none as empty text); booleans
 *   are xs:boolean (`true`, `false`, `1`, `0`);
 * - JSV: text everywhere, structure as written;
 * - form fields: text; members that are not text are JSV (`To=[{PhoneNumber:+44…}]`), as
 *   ServiceStack reads them; a field sent twice is its values joined by commas.
 * A member that cannot be converted is reported in `errors` under its dotted path
 * (`SMSModel.To[0].ContactId`) and left out, so every bad member of a request is reported at once.
 *
 * @throws ValidationError (code `invalid_body`) when the body is not an object at all.
 */
export function bindDto(body: unknown, type: DtoType, format: Format, errors: FieldErrors): BoundDto {
  if (body === undefined || body === null || body === '') return {};
  const object = format === 'form' ? formObject(body) : body;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new ValidationError(`The body must be a ${type.name} object`, undefined, 'invalid_body');
  }
  return new Binder(format, errors).object(object as Record<string, unknown>, type, '');
}

class Binder {
  constructor(
    private readonly format: Format,
    private readonly errors: FieldErrors,
  ) {}

  object(value: Record<string, unknown>, type: DtoType, path: string): BoundDto {
    const out: Record<string, BoundValue> = {};
    for (const member of allMembers(type)) {
      const field = path === '' ? member.name : `${path}.${member.name}`;
      const raw = getProperty(value, member.name);
      const bound = this.errors.check(() => this.member(raw, member.type, field));
      if (bound !== undefined) defineOwn(out, member.name, bound);
    }
    return out;
  }

  private member(raw: unknown, type: DtoMemberType, field: string): BoundValue | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof type === 'string') {
      switch (type) {
        case 'string':
          return this.text(raw, field);
        case 'bool':
          return this.bool(raw, field);
        case 'Guid':
          return this.guid(raw, field);
      }
    }
    switch (type.kind) {
      case 'object':
        return this.nested(raw, type.type, field);
      case 'list':
        return this.list(raw, type.type, field);
      case 'responseStatus':
        return undefined;
    }
  }

  private text(raw: unknown, field: string): string {
    if (typeof raw === 'string') return raw;
    if (this.format === 'json' && (typeof raw === 'number' || typeof raw === 'boolean')) return String(raw);
    throw new ValidationError(`${field} must be text`, field, 'invalid_value');
  }

  private bool(raw: unknown, field: string): boolean | undefined {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw !== 'string')
      throw new ValidationError(`${field} must be true or false`, field, 'invalid_boolean');
    if (raw === '') return undefined;
    if (this.format === 'xml') {
      const text = raw.trim();
      if (text === '1') return true;
      if (text === '0') return false;
      return parseDotNetBool(text, field);
    }
    return parseDotNetBool(raw, field);
  }

  private guid(raw: unknown, field: string): string | undefined {
    if (typeof raw !== 'string') {
      throw new ValidationError(`${field} must be a GUID`, field, 'invalid_guid');
    }
    if (raw.trim() === '') return undefined;
    const guid = parseGuid(raw, field);
    return guid === ZERO_GUID ? undefined : guid;
  }

  private nested(raw: unknown, type: DtoType, field: string): BoundDto | undefined {
    const value = this.structured(raw, field);
    if (value === '') return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationError(`${field} must be a ${type.name} object`, field, 'invalid_value');
    }
    return this.object(value as Record<string, unknown>, type, field);
  }

  private list(raw: unknown, type: DtoType, field: string): (BoundDto | undefined)[] {
    let value = this.structured(raw, field);
    if (value === '') return [];
    if (this.format === 'xml' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // The wrapper of a one-item list: its only child is the item.
      const items = Object.values(value);
      value = items.length === 1 ? items : value;
    }
    if (!Array.isArray(value)) {
      throw new ValidationError(`${field} must be a list of ${type.name}`, field, 'invalid_value');
    }
    return value.map((item, i) => {
      const itemField = `${field}[${i}]`;
      return this.errors.check(() => this.nested(item ?? '', type, itemField));
    });
  }

  /** A form field's text holding a structured member is JSV, read strictly as ServiceStack does. */
  private structured(raw: unknown, field: string): unknown {
    if (this.format !== 'form' || typeof raw !== 'string' || raw === '') return raw;
    try {
      return parseJsv(raw);
    } catch (error) {
      throw new ValidationError(`${field}: ${(error as Error).message}`, field, 'invalid_jsv');
    }
  }
}

/** Form fields as one object: a field sent more than once is its values joined by commas. */
function formObject(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    defineOwn(out, name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return out;
}
