import type { AuthFailureLimiter } from '../accounts/auth-failure-limiter.js';
import type { DialectCredentials } from '../accounts/dialect-credentials.js';
import type { Principal } from '../accounts/roles.js';
import { AuthenticationError, BackpressureError } from '../core/errors.js';
import { COMMAND_STATUS } from '../smpp/command-status.js';
import type { BindRequest } from '../smpp/smpp-server.js';

/** How long a refused bind waits before it is answered, and a limited address waits on top. */
const REFUSAL_DELAY_MS = 200;
const LIMITED_DELAY_MS = 2000;

export type BindDecision =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly commandStatus: number };

/**
 * Decides a bind with the account's `smpp` dialect credential (system_id + password, hashed,
 * compared in constant time). A system_id no live credential holds → ESME_RINVSYSID; a wrong
 * password → ESME_RINVPASWD (SMPP clients are told which, as the spec asks). Failures count in the
 * failed-auth limiter shared with the HTTP side: past its limit an address's binds are answered
 * ESME_RBINDFAIL, after a longer pause, without their password being looked at. Every refusal is
 * answered late, so a guesser's rate is bounded by its connections.
 */
export class BindAuthenticator {
  constructor(
    private readonly credentials: DialectCredentials,
    private readonly limiter: AuthFailureLimiter,
  ) {}

  async decide(bind: BindRequest): Promise<BindDecision> {
    const address = bind.remoteAddress ?? 'unknown';
    try {
      this.limiter.check(address, bind.systemId);
    } catch (error) {
      if (!(error instanceof BackpressureError)) throw error;
      await sleep(LIMITED_DELAY_MS);
      return { ok: false, commandStatus: COMMAND_STATUS.ESME_RBINDFAIL };
    }
    try {
      const principal = await this.credentials.verify('smpp', bind.systemId, bind.password);
      return { ok: true, principal };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      this.limiter.failed(address, bind.systemId);
      const holder = await this.credentials.liveHolder('smpp', bind.systemId);
      await sleep(REFUSAL_DELAY_MS);
      return {
        ok: false,
        commandStatus: holder === undefined ? COMMAND_STATUS.ESME_RINVSYSID : COMMAND_STATUS.ESME_RINVPASWD,
      };
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
