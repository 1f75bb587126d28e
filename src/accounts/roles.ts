/** Account roles, as the seeds name them. */
export const ROLES = ['admin', 'partner', 'client'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling: resolved from credentials once per request. */
export interface Principal {
  readonly accountId: string;
  readonly role: Role;
  readonly keyId: string;
}
