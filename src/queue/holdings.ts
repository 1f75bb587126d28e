/** Where a message the dispatcher holds is: in a ready queue, at the upstream, waiting for its status write, or for its time. */
export type Holding = 'ready' | 'in-flight' | 'settling' | 'waiting';

/**
 * Every message the dispatcher holds in memory, so store reads never bring one in twice. Ids let
 * go while a store read is under way are remembered until the read ends: that read's snapshot may
 * still show them queued, and taking them in again would send them twice.
 */
export class Holdings {
  private readonly held = new Map<string, Holding>();
  /** Messages to drop when their turn comes (a cancel arrived while they were held). */
  readonly canceled = new Set<string>();
  private readonly releasedDuringReads = new Set<string>();
  private storeReads = 0;

  get(id: string): Holding | undefined {
    return this.held.get(id);
  }

  has(id: string): boolean {
    return this.held.has(id);
  }

  /** Every id held. */
  ids(): string[] {
    return [...this.held.keys()];
  }

  hold(id: string, holding: Holding): void {
    this.held.set(id, holding);
  }

  release(id: string): void {
    this.held.delete(id);
    if (this.storeReads > 0) this.releasedDuringReads.add(id);
  }

  /** Marks the start of a store read whose results will be filtered with `known`. */
  beginRead(): void {
    this.storeReads++;
  }

  /** Marks the end of such a read, once its results have been taken in. */
  endRead(): void {
    this.storeReads--;
    if (this.storeReads === 0) this.releasedDuringReads.clear();
  }

  /** Whether a row a store read returned is already, or was lately, in memory (or canceled). */
  known(id: string): boolean {
    return this.held.has(id) || this.releasedDuringReads.has(id) || this.canceled.has(id);
  }
}
