/** Shows how far a bulk run is: a redrawn bar on a terminal, a plain line per step otherwise. */
export class Progress {
  private readonly startedAt = Date.now();
  private lastDraw = 0;
  private lastLineAt = -1;

  constructor(
    private readonly total: number,
    /** Rows already done by an earlier run (not counted in the rate). */
    private readonly skipped: number,
    private readonly out: NodeJS.WriteStream,
    private readonly tty = out.isTTY === true,
  ) {}

  /** `done` rows of `total` are settled (including the skipped ones). */
  update(done: number): void {
    const now = Date.now();
    if (this.tty) {
      // A redraw at most 10 times a second: a terminal write per batch of a fast run is wasted.
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const width = 30;
      const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      this.out.write(`\r${bar} ${this.describe(done, now)}\u001b[K`);
      return;
    }
    // A log-friendly line per 10 % (and the last one), not one per batch.
    const step = Math.floor((done / Math.max(1, this.total)) * 10);
    if (step === this.lastLineAt && done < this.total) return;
    this.lastLineAt = step;
    this.out.write(`progress ${this.describe(done, now)}\n`);
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.tty) this.out.write('\n');
  }

  private describe(done: number, now: number): string {
    const percent = this.total === 0 ? 100 : Math.floor((done / this.total) * 100);
    const seconds = Math.max(0.001, (now - this.startedAt) / 1000);
    const rate = (done - this.skipped) / seconds;
    const left = this.total - done;
    const eta = rate > 0 ? formatDuration(left / rate) : '?';
    return `${done}/${this.total} rows (${percent}%)  ${Math.round(rate)} rows/s  ETA ${eta}`;
  }
}

function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
