import type { Role } from '../../../accounts/roles.js';
import type { DtoType, JsonCase } from './dto-model.js';

/**
 * How a route runs its operation:
 * - `reply`: the operation's own contract (SMSSend stores, queues and answers at once; seed 000's
 *   SendSmsRequest waits, bounded, for each message's verdict);
 * - `immediate`: SMSSend's `/immediate` routes: top priority, and the answer waits for the verdict;
 * - `oneway`: `/{format}/oneway/…`: stored and queued, answered `204 No Content` without waiting.
 */
export const ROUTE_MODES = ['reply', 'immediate', 'oneway'] as const;
/** One of {@link ROUTE_MODES}. */
export type RouteMode = (typeof ROUTE_MODES)[number];

/** A route of the service's own (`POST /api/sendmessage`), beside the predefined ones. */
export interface UserRoute {
  readonly path: string;
  readonly mode: RouteMode;
  readonly summary: string;
}

/** One ServiceStack operation as the gateway serves it. */
export interface ServiceStackOperation {
  /** The request DTO's name: `/api/{name}`, `/json/reply/{name}`. */
  readonly name: string;
  readonly request: DtoType;
  readonly response: DtoType;
  /** What errors are written as: the response DTO when it has `ResponseStatus`, else `ErrorResponse`. */
  readonly errorResponse: DtoType;
  readonly jsonCase: JsonCase;
  /** Roles that may call it (the metadata page's "Requires any of the roles"); others get 403. */
  readonly roles: readonly Role[];
  readonly routes: readonly UserRoute[];
}
