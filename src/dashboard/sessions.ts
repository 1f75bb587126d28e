import { randomBytes } from 'node:crypto';
import type { Authenticator } from '../accounts/authenticator.js';
import type { Principal } from '../accounts/roles.js';

/** A signed-in dashboard user: who it is, and the token its state-changing requests must carry. */
export interface DashboardSession {
  readonly id: string;
  readonly csrfToken: string;
  /** As the key stands now: refreshed on every `find` (an account's role may have changed). */
  principal: Principal;
  readonly createdAt: number;
  lastSeenAt: number;
}

interface Entry {
  readonly session: DashboardSession;
  /**
   * The API key the user signed in with, in this process's memory only (never stored, logged or
   * sent back): every request re-authenticates with it through the same Authenticator as the API,
   * so a revoked key or a disabled account ends the session at once, and the /v1 routes the
   * dashboard forwards to see exactly the caller they would see from the API.
   */
  readonly apiKey: string;
}

export interface SessionLimits {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  readonly absoluteMs: number;
  /** Sessions held at once; the oldest goes first past it (memory stays bounded). */
  readonly max: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3600_000,
  max: 10_000,
};

/**
 * Dashboard sessions, in memory: a gateway restart signs everyone out, and behind a load balancer
 * over several nodes a user must stay on one node (docs/dashboard.md). Ids are 256 random bits.
 */
export class SessionStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly auth: Authenticator,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Signs in with an API key; throws AuthenticationError (401) for a key the API would refuse. */
  async create(apiKey: string): Promise<DashboardSession> {
    const principal = await this.auth.fromApiKey(apiKey);
    const at = this.now();
    const session: DashboardSession = {
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(32).toString('base64url'),
      principal,
      createdAt: at,
      lastSeenAt: at,
    };
    this.entries.set(session.id, { session, apiKey });
    while (this.entries.size > this.limits.max) this.entries.delete(this.entries.keys().next().value!);
    return session;
  }

  /**
   * The live session with this id, re-authenticated (its principal as the key stands now), or
   * undefined: unknown, expired, or its key no longer valid (it is forgotten then).
   */
  async find(id: string | undefined): Promise<{ session: DashboardSession; apiKey: string } | undefined> {
    if (id === undefined) return undefined;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const at = this.now();
    const { session } = entry;
    if (at - session.lastSeenAt > this.limits.idleMs || at - session.createdAt > this.limits.absoluteMs) {
      this.entries.delete(id);
      return undefined;
    }
    let principal: Principal;
    try {
      principal = await this.auth.fromApiKey(entry.apiKey);
    } catch {
      this.entries.delete(id);
      return undefined;
    }
    session.lastSeenAt = at;
    session.principal = principal;
    return { session, apiKey: entry.apiKey };
  }

  /** Signs out. */
  delete(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
