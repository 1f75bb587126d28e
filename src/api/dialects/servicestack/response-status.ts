import { type GatewayError, type ValidationError, ValidationErrors } from '../../../core/errors.js';
import { WireFormatError } from '../../formats/format-errors.js';

/** ServiceStack's `ResponseError`. */
export interface ResponseErrorValue {
  readonly ErrorCode: string;
  readonly FieldName: string;
  readonly Message: string;
}

/** ServiceStack's `ResponseStatus`, as the error renderer fills it (never a stack trace). */
export interface ResponseStatusValue {
  readonly ErrorCode: string;
  readonly Message: string;
  readonly Errors: readonly ResponseErrorValue[];
}

/** Our codes for bodies that could not be read at all: .NET reports those as a SerializationException. */
const UNREADABLE = new Set(['invalid_json', 'invalid_utf8', 'invalid_body']);

/**
 * The `ResponseStatus` of an error, as ServiceStack words one: `ErrorCode` and `Message` of the
 * error (of the first field error for a validation failure), and `Errors` with one entry per bad
 * field (each field once), empty when no field is to blame.
 */
export function responseStatusOf(error: GatewayError): ResponseStatusValue {
  const fieldErrors: readonly ValidationError[] | readonly GatewayError[] =
    error instanceof ValidationErrors ? error.errors : error.field !== undefined ? [error] : [];
  const seen = new Set<string>();
  const errors: ResponseErrorValue[] = [];
  for (const fieldError of fieldErrors) {
    const key = `${fieldError.field}\u0000${fieldError.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({
      ErrorCode: errorCodeOf(fieldError),
      FieldName: fieldError.field ?? '',
      Message: fieldError.message,
    });
  }
  return { ErrorCode: errorCodeOf(error), Message: error.message, Errors: errors };
}

/**
 * `ErrorCode` for one of our errors: the gateway's code (docs/api.md) in PascalCase, as
 * ServiceStack's codes are (`invalid_number` → `InvalidNumber`), except where ServiceStack has a
 * name of its own that clients know: `Unauthorized` for 401, `NotImplementedException` for 405 (an
 * unknown operation, a verb an operation lacks), `SerializationException` for a body that cannot
 * be read (malformed JSON, XML, JSV or form, a DOCTYPE, bytes that are not UTF-8).
 */
export function errorCodeOf(error: GatewayError): string {
  if (error.status === 401) return 'Unauthorized';
  if (error.status === 405) return 'NotImplementedException';
  if (error instanceof WireFormatError || UNREADABLE.has(error.code)) return 'SerializationException';
  return pascalCase(error.code);
}

function pascalCase(code: string): string {
  return code
    .split(/[_\s-]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
