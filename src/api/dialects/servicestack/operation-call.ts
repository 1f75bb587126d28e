import type { Principal } from '../../../accounts/roles.js';
import { FieldErrors, ValidationError, ValidationErrors } from '../../../core/errors.js';
import type { FieldNames, SendInput } from '../../../core/send-input.js';
import type { Gateway } from '../../../gateway.js';
import type { SendOutcome } from '../../../messages/message-service.js';
import type { Format } from '../../formats/negotiation.js';
import type { DtoValue } from './dto-writer.js';
import type { RouteMode } from './operation.js';

/** One authenticated call of an operation: who, what they sent (parsed), and how the route runs it. */
export interface OperationCall {
  readonly gateway: Gateway;
  readonly principal: Principal;
  readonly body: unknown;
  /** The format the body came in (its Content-Type). */
  readonly format: Format;
  readonly mode: RouteMode;
}

/** What an operation answers: its response DTO, or nothing (`/oneway/`: 204). */
export type OperationResult = { readonly dto: DtoValue } | { readonly noContent: true };

/** An operation's implementation. */
export type OperationHandler = (call: OperationCall) => Promise<OperationResult>;

/**
 * Sends what a request asked for, reporting every bad field at once: when the dialect's own
 * reading found some (a bad GUID, a bad boolean), the gateway's checks (numbers, text, routes)
 * are run too, without storing anything, and their errors added for the fields not named yet.
 * Nothing is stored unless every field is good.
 */
export async function sendReported(
  call: OperationCall,
  inputs: readonly SendInput[],
  names: readonly FieldNames[],
  errors: FieldErrors,
): Promise<SendOutcome> {
  if (errors.errors.length > 0) {
    const named = errors.errors.map((error) => error.field ?? '');
    const more = new FieldErrors();
    more.check(() => call.gateway.messages.validate(call.principal, inputs, names));
    // A field the dialect could not read is reported once, not again for what is missing inside it.
    const covered = (field: string) =>
      named.some((n) => field === n || field.startsWith(`${n}.`) || field.startsWith(`${n}[`));
    for (const error of more.errors) if (!covered(error.field ?? '')) errors.errors.push(error);
    throw errors.errors.length === 1 ? errors.errors[0]! : new ValidationErrors(errors.errors);
  }
  return call.gateway.messages.send(call.principal, inputs, { names });
}

/** A 400 the dialect itself finds (an empty list, a field too long), named as the caller spells it. */
export function fieldError(field: string, message: string, code = 'invalid_request'): ValidationError {
  return new ValidationError(message, field, code);
}
