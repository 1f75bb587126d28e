/**
 * First path segments at the root that belong to something other than seed 003's
 * `/<accountNumber>/sms/send`: the gateway's own paths and every dialect's fixed prefixes. The
 * router prefers a parametric route over a dead end, so `/api/sms/send` would reach the account
 * number `api` if one existed; a credential is therefore refused such an account number when it is
 * created. A dialect that claims a new root segment adds it here (one per line, so merges stay
 * clean); `test/api/dialects/accolades-account-numbers.test.ts` checks that every registered root
 * path is listed. Compared without regard to case: some callers' URLs are case-insensitive.
 */
export const RESERVED_ROOT_SEGMENTS = [
  // The gateway's own
  'v1',
  'health',
  'ready',
  'metrics',
  'docs',
  'dashboard',
  'callbacks',
  'openapi',
  'static',
  'favicon.ico',
  'robots.txt',
  '.well-known',
  // ServiceStack (seeds 000–002): its API, format-specific and metadata paths
  'api',
  'json',
  'xml',
  'jsv',
  'csv',
  'soap11',
  'soap12',
  'metadata',
  'types',
  'auth',
  'communication',
  // Interact (seed 004)
  'interact',
  // Twilio, Kannel and Jasmin (docs/dialects/*.md)
  '2010-04-01',
  'cgi-bin',
  'send',
  'balance',
  'rate',
  'secure',
] as const;

export type ReservedRootSegment = (typeof RESERVED_ROOT_SEGMENTS)[number];

const RESERVED = new Set<string>(RESERVED_ROOT_SEGMENTS.map((segment) => segment.toLowerCase()));

/** Whether `segment` (one path segment, decoded) is a root path something else owns. */
export function isReservedRootSegment(segment: string): boolean {
  return RESERVED.has(segment.toLowerCase());
}
