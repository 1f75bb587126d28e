import type { BindMode } from '../smpp/bind-modes.js';
import type { SmppSession } from '../smpp/smpp-session.js';

/** What one bind has done since it bound (shown by `GET /v1/smpp/binds` and `smsgate smpp binds`). */
export interface BindCounters {
  submitted: number;
  accepted: number;
  refused: number;
  throttled: number;
  receiptsSent: number;
  inboundSent: number;
  deliverFailed: number;
  genericNacks: number;
}

/** One bound client connection. */
export interface Bind {
  readonly id: number;
  readonly accountId: string;
  readonly systemId: string;
  readonly mode: BindMode;
  readonly remoteAddress: string | undefined;
  readonly boundAt: number;
  readonly session: SmppSession;
  readonly counters: BindCounters;
  /** Submits being committed (not yet answered). */
  pendingSubmits: number;
}

/** A bind as the API shows it. */
export interface BindView {
  id: number;
  accountId: string;
  systemId: string;
  mode: BindMode;
  remoteAddress: string | null;
  boundAt: string;
  pendingSubmits: number;
  pendingDelivers: number;
  counters: BindCounters;
}

/**
 * The binds that are up, per account: counts them against the account's limit, picks the bind a
 * deliver_sm goes out on (round robin over the account's receiver and transceiver binds) and tells
 * listeners when an account gains a receiving bind (its queued receipts can flow again).
 */
export class BindRegistry {
  private readonly byAccount = new Map<string, Set<Bind>>();
  private readonly turn = new Map<string, number>();
  private readonly receiverListeners: ((accountId: string) => void)[] = [];
  private nextId = 1;

  /** Binds `accountId` holds now. */
  count(accountId: string): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }

  add(init: Omit<Bind, 'id' | 'counters' | 'pendingSubmits' | 'boundAt'>): Bind {
    const bind: Bind = {
      ...init,
      id: this.nextId++,
      boundAt: Date.now(),
      pendingSubmits: 0,
      counters: {
        submitted: 0,
        accepted: 0,
        refused: 0,
        throttled: 0,
        receiptsSent: 0,
        inboundSent: 0,
        deliverFailed: 0,
        genericNacks: 0,
      },
    };
    let binds = this.byAccount.get(bind.accountId);
    if (!binds) {
      binds = new Set();
      this.byAccount.set(bind.accountId, binds);
    }
    binds.add(bind);
    if (bind.mode !== 'transmitter') for (const listener of this.receiverListeners) listener(bind.accountId);
    return bind;
  }

  remove(bind: Bind): void {
    const binds = this.byAccount.get(bind.accountId);
    if (!binds) return;
    binds.delete(bind);
    if (binds.size === 0) this.byAccount.delete(bind.accountId);
  }

  /** Called whenever an account gains a receiver or transceiver bind. */
  onReceiverBound(listener: (accountId: string) => void): void {
    this.receiverListeners.push(listener);
  }

  /** The next receiving bind of the account that is open, round robin; undefined when none is. */
  receiverOf(accountId: string): Bind | undefined {
    const binds = [...(this.byAccount.get(accountId) ?? [])].filter(
      (bind) => bind.mode !== 'transmitter' && bind.session.isOpen,
    );
    if (binds.length === 0) return undefined;
    const turn = (this.turn.get(accountId) ?? 0) % binds.length;
    this.turn.set(accountId, turn + 1);
    // Prefer a bind with a free window slot, so one slow client connection does not hold the rest up.
    for (let i = 0; i < binds.length; i++) {
      const bind = binds[(turn + i) % binds.length]!;
      if (bind.session.available > 0) return bind;
    }
    return binds[turn];
  }

  /** The accounts with a receiving bind open now (their receipts can go out from this node). */
  receivingAccounts(): string[] {
    const accounts: string[] = [];
    for (const [accountId, binds] of this.byAccount) {
      for (const bind of binds) {
        if (bind.mode !== 'transmitter' && bind.session.isOpen) {
          accounts.push(accountId);
          break;
        }
      }
    }
    return accounts;
  }

  all(): Bind[] {
    return [...this.byAccount.values()].flatMap((binds) => [...binds]);
  }

  views(accountId?: string): BindView[] {
    return this.all()
      .filter((bind) => accountId === undefined || bind.accountId === accountId)
      .map((bind) => ({
        id: bind.id,
        accountId: bind.accountId,
        systemId: bind.systemId,
        mode: bind.mode,
        remoteAddress: bind.remoteAddress ?? null,
        boundAt: new Date(bind.boundAt).toISOString(),
        pendingSubmits: bind.pendingSubmits,
        pendingDelivers: bind.session.inFlight,
        counters: { ...bind.counters },
      }));
  }
}
