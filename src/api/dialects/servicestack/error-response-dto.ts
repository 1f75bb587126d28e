import { SERVICESTACK_TYPES_NAMESPACE } from '../../formats/xml.js';
import type { DtoType } from './dto-model.js';

/**
 * ServiceStack's `ErrorResponse`: the error body of an operation whose response DTO has no
 * `ResponseStatus` (`CommResponse`), and of requests that name no operation at all.
 */
export const ERROR_RESPONSE: DtoType = {
  name: 'ErrorResponse',
  namespace: SERVICESTACK_TYPES_NAMESPACE,
  members: [{ name: 'ResponseStatus', type: { kind: 'responseStatus' } }],
};
