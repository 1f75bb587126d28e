import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** A row that could not be sent, and why (the gateway's words). */
export interface FailedRow {
  readonly row: number;
  readonly to: string;
  readonly reason: string;
}

/**
 * What a bulk run remembers between runs of the same file, so a resumed run skips the rows already
 * settled instead of asking the gateway about each again. The idempotency keys alone already keep
 * a row from being sent twice; this file makes the resume fast and says what an interrupted batch was.
 */
export interface BulkState {
  readonly version: 1;
  /** sha256 of the CSV: a state for another file (or an edited one) is not this run's. */
  readonly fileHash: string;
  /** Rows [1, next) are settled: accepted, replayed or failed. */
  next: number;
  /** A batch sent but not answered when the run stopped: its rows are sent again (replayed). */
  inFlight: { readonly from: number; readonly to: number; readonly startedAt: number } | null;
  /** The gateway's idempotency retention, from its last answer (seconds). */
  retentionSeconds: number | null;
  accepted: number;
  replayed: number;
  failed: FailedRow[];
}

export function newState(fileHash: string): BulkState {
  return {
    version: 1,
    fileHash,
    next: 1,
    inFlight: null,
    retentionSeconds: null,
    accepted: 0,
    replayed: 0,
    failed: [],
  };
}

/** The saved state for this file, or undefined (none, unreadable, or another file's). */
export function loadState(path: string, fileHash: string): BulkState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const state = JSON.parse(text) as BulkState;
    return state.version === 1 && state.fileHash === fileHash ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the state atomically (a rename), so a kill mid-write leaves the previous one whole. */
export function saveState(path: string, state: BulkState): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, path);
}
