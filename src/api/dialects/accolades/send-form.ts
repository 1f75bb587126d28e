import { FieldErrors, ValidationError } from '../../../core/errors.js';
import type { FieldNames, SendInput } from '../../../core/send-input.js';
import type { FormFields } from '../../formats/form.js';

/** Seed 003's parameters, as its documentation names them. */
export const SEND_FORM_FIELDS = ['password', 'phoneNumber', 'message', 'sendResultTo', 'messageId'] as const;
export type SendFormField = (typeof SEND_FORM_FIELDS)[number];

/** The message service's fields in this API's words, so its errors name what the caller sent. */
export const ACCOLADES_FIELD_NAMES: FieldNames = {
  to: 'phoneNumber',
  text: 'message',
  from: 'from',
  scheduleAt: 'scheduleAt',
  validitySeconds: 'validitySeconds',
  callbackUrl: 'sendResultTo',
  clientRef: 'messageId',
  metadata: 'metadata',
};

/** The fields of a parsed body: the form parsers' object, or none when the request had no body. */
export function formFieldsOf(body: unknown): FormFields {
  return body !== null && typeof body === 'object' ? (body as FormFields) : {};
}

/** One parameter's value; a parameter sent more than once is a 400 (which one would be meant?). */
export function formValue(fields: FormFields, name: SendFormField): string | undefined {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (Array.isArray(value)) {
    throw new ValidationError(`${name} was sent ${value.length} times; send it once`, name, 'repeated_field');
  }
  return value;
}

/**
 * The send a form asks for. A missing `phoneNumber` or `message` is sent on as empty, so the message
 * service reports it together with every other bad field. `sendResultTo` is used only when it "has
 * a value" (the seed's words): an empty one asks for no notification. An empty `messageId` is none.
 * Other fields are ignored, as a form handler ignores a submit button's.
 */
export function readSendForm(fields: FormFields, region: string | null): SendInput {
  const errors = new FieldErrors();
  const value = (name: SendFormField) => errors.check(() => formValue(fields, name));
  const phoneNumber = value('phoneNumber');
  const message = value('message');
  const sendResultTo = value('sendResultTo')?.trim();
  const messageId = value('messageId');
  errors.throwIfAny();
  return {
    to: [phoneNumber ?? ''],
    text: message ?? '',
    ...(sendResultTo ? { callbackUrl: sendResultTo, callbackFormat: 'accolades' } : {}),
    ...(messageId ? { clientRef: messageId } : {}),
    ...(region === null ? {} : { region }),
  };
}
