import { GatewayError, ValidationError } from '../../../core/errors.js';
import { XmlBody } from './soap-envelope.js';

/**
 * The REST form's JSON body as an object: none at all reads as `{}`, XML is a 415 (it belongs to the
 * SOAP endpoint), and JSON that is not an object a 400 naming `body`.
 */
export function restBody(body: unknown): Record<string, unknown> {
  if (body instanceof XmlBody) {
    throw new GatewayError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The body must be a JSON object', 'body');
  }
  return body as Record<string, unknown>;
}

/** A field's value, with null and `''` read as not given. */
export function given(value: unknown): unknown {
  return value === null || value === '' ? undefined : value;
}
