import { ValidationError } from '../../core/errors.js';

const GUID_N = /^[0-9a-fA-F]{32}$/;
const GUID_D = /^([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})$/;

/**
 * Reads a GUID in any of the forms ServiceStack accepts: `N` (32 hex digits), `D` (dashed
 * 8-4-4-4-12) or `B` (`{D}`), in either case, with surrounding whitespace ignored as .NET's
 * `Guid.Parse` does. Returns the canonical form used throughout the gateway: 32 lowercase hex
 * digits, which is also what ServiceStack writes (`"N"`).
 *
 * @throws ValidationError (code `invalid_guid`) naming `field` when given.
 */
export function parseGuid(text: string, field?: string): string {
  const trimmed = text.trim();
  if (GUID_N.test(trimmed)) return trimmed.toLowerCase();
  const inner = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1) : trimmed;
  const dashed = GUID_D.exec(inner);
  if (dashed) return dashed.slice(1).join('').toLowerCase();
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return invalid(
    `${field ?? 'value'} must be a GUID (32 hex digits, dashed, or braced), not "${shown}"`,
    field,
  );
}

/** A GUID in any accepted form as ServiceStack writes it by default: 32 lowercase hex digits. */
export function formatGuidN(guid: string): string {
  return parseGuid(guid);
}

/**
 * A GUID in any accepted form as the dashed `D` form (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`),
 * which ServiceStack writes when `SystemJsonCompatible` is on (the `/api` System.Text.Json route).
 */
export function formatGuidD(guid: string): string {
  const n = parseGuid(guid);
  return `${n.slice(0, 8)}-${n.slice(8, 12)}-${n.slice(12, 16)}-${n.slice(16, 20)}-${n.slice(20)}`;
}

/**
 * Reads a .NET boolean: `true` or `false` in any letter case (ServiceStack writes `True`/`False`
 * in JSV). Nothing else: no `1`/`0`, and no surrounding whitespace (in JSV it is part of the value).
 *
 * @throws ValidationError (code `invalid_boolean`) naming `field` when given.
 */
export function parseDotNetBool(text: string, field?: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return invalid(`${field ?? 'value'} must be true or false, not "${shown}"`, field, 'invalid_boolean');
}

function invalid(message: string, field: string | undefined, code = 'invalid_guid'): never {
  throw new ValidationError(message, field, code);
}
