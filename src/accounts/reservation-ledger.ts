/** What a request holds of a balance or a quota until its messages are stored (or not). */
export interface Reservation {
  /** The messages were not stored: the amount is free again. */
  giveBack(): void;
  /** The messages were stored: the store's amount now includes this one. */
  settle(): void;
}

export const NOTHING_RESERVED: Reservation = { giveBack: () => {}, settle: () => {} };

/**
 * Per-key amounts the store holds (a prepaid balance, a month's segment usage) as this process
 * last read them, plus what its requests in flight have reserved against them. It answers quickly
 * and synchronously whether a request fits, so concurrent requests on one node cannot overspend;
 * across nodes the store's conditional UPDATE in the accept transaction is the judge, and this is
 * only a cache of it. A request that does not fit re-reads the store once before it is refused,
 * because another node may have topped up the balance or the month may have turned.
 */
export class ReservationLedger {
  private readonly committedAmounts = new Map<string, number>();
  private readonly inFlightAmounts = new Map<string, number>();
  private readonly loading = new Map<string, Promise<void>>();

  /** `settleSign` is how a stored reservation moves the store's amount: +1 usage, -1 balance. */
  constructor(private readonly settleSign: 1 | -1) {}

  committed(key: string): number {
    return this.committedAmounts.get(key) ?? 0;
  }

  inFlight(key: string): number {
    return this.inFlightAmounts.get(key) ?? 0;
  }

  /**
   * Reserves `amount` under `key` when `fits(committed, inFlight)` holds, reading the store's
   * amount with `load` when this process has none (or it does not fit); undefined when it does not.
   */
  async take(
    key: string,
    amount: number,
    fits: (committed: number, inFlight: number) => boolean,
    load: () => Promise<number>,
  ): Promise<Reservation | undefined> {
    if (!this.committedAmounts.has(key)) await this.read(key, load);
    if (!fits(this.committed(key), this.inFlight(key))) {
      await this.read(key, load);
      if (!fits(this.committed(key), this.inFlight(key))) return undefined;
    }
    this.inFlightAmounts.set(key, this.inFlight(key) + amount);
    let open = true;
    const release = () => {
      open = false;
      this.inFlightAmounts.set(key, this.inFlight(key) - amount);
    };
    return {
      giveBack: () => {
        if (open) release();
      },
      settle: () => {
        if (!open) return;
        release();
        if (this.committedAmounts.has(key)) this.add(key, this.settleSign * amount);
      },
    };
  }

  /** Applies a change the store has already recorded (a top-up), when this process knows the key. */
  add(key: string, delta: number): void {
    const known = this.committedAmounts.get(key);
    if (known !== undefined) this.committedAmounts.set(key, known + delta);
  }

  forget(key: string): void {
    this.committedAmounts.delete(key);
  }

  forgetWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.committedAmounts.keys()]) if (matches(key)) this.committedAmounts.delete(key);
  }

  /** One read at a time per key; requests arriving meanwhile wait for it. */
  private read(key: string, load: () => Promise<number>): Promise<void> {
    let reading = this.loading.get(key);
    if (!reading) {
      reading = load()
        .then((amount) => {
          this.committedAmounts.set(key, amount);
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, reading);
    }
    return reading;
  }
}
