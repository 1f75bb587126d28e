import { type BackoffPolicy, Circuit } from '../core/backoff.js';
import { Fifo } from '../core/fifo.js';
import type { PendingEvent } from '../store/queries/events.js';

/**
 * Where one account's events to one receiving origin (scheme, host, port) wait for a slot: its
 * queue, its concurrency and its circuit. Keyed by account *and* origin, so one tenant's failing URL
 * never backs off another tenant's receiver on the same host.
 */
export class Destination {
  /** Deliveries under way. */
  active = 0;
  /** Deliveries allowed at once (`concurrencyPerDestination` unless the deliverer says otherwise). */
  concurrency = 8;
  readonly waiting = new Fifo<PendingEvent>();
  readonly circuit: Circuit;
  /** Wakes the destination when its circuit's open period ends. */
  timer: NodeJS.Timeout | undefined;
  /** The last answer that said the receiver is down (for dead letters that never got a turn). */
  lastFailure: string | null = null;

  constructor(
    readonly key: string,
    readonly accountId: string,
    readonly origin: string,
    policy: BackoffPolicy,
    random: () => number,
  ) {
    this.circuit = new Circuit(policy, 1, random);
  }

  /** The map key of the destination an event goes to. */
  static keyOf(event: PendingEvent): { key: string; origin: string } {
    let origin: string;
    try {
      origin = new URL(event.url).origin;
    } catch {
      origin = event.url;
    }
    return { key: `${event.accountId}\u0000${origin}`, origin };
  }

  /**
   * How many deliveries may run now: none while the circuit is open, one probe after it, full
   * concurrency once a probe (or anything) has succeeded.
   */
  slots(concurrency: number, now = Date.now()): number {
    const state = this.circuit.state(now);
    if (state === 'open') return 0;
    return Math.max(0, (state === 'probing' ? 1 : concurrency) - this.active);
  }
}
