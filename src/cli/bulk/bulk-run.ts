import { type ApiClientOptions, ApiError, apiRequest } from '../api-client.js';
import { type BulkState, type FailedRow, loadState, newState, saveState } from './bulk-state.js';
import type { Contacts } from './csv-contacts.js';
import { Progress } from './progress.js';
import { renderTemplate } from './text-template.js';

/** Item errors worth another try: the gateway was busy, not the row wrong. */
const RETRYABLE_CODES = new Set(['rate_limited', 'queue_full', 'store_unavailable']);
const MAX_ATTEMPTS = 8;

interface BatchAnswer {
  results: {
    index: number;
    status: 'accepted' | 'replayed' | 'error';
    error?: { code: string; message: string; field?: string };
  }[];
}

export interface BulkOptions {
  readonly client: ApiClientOptions;
  readonly contacts: Contacts;
  readonly toColumn: string;
  readonly template: string;
  readonly from?: string | undefined;
  readonly batchSize: number;
  readonly statePath: string;
  /** Send again a batch interrupted longer ago than the gateway remembers keys (could send twice). */
  readonly resendUnsure: boolean;
  readonly out: NodeJS.WriteStream;
  /** True once the user asked to stop (SIGINT): the run ends after the batch in flight. */
  readonly stopRequested: () => boolean;
}

export interface BulkSummary {
  readonly total: number;
  /** Settled by an earlier run of the same file (not sent again). */
  readonly earlier: number;
  readonly accepted: number;
  readonly replayed: number;
  readonly failed: readonly FailedRow[];
  readonly interrupted: boolean;
}

/**
 * The idempotency key of a row: the file's hash and the row's number, so the same row of the same
 * file is the same send in every run (a resumed run's repeats answer `replayed`), and an edited
 * file is a new run. Not the text: a rerun with another text must not send the row again.
 */
export function rowKey(fileHash: string, row: number): string {
  return `bulk-${fileHash.slice(0, 32)}-${row}`;
}

/** Sends every row not yet settled, in batches through `POST /v1/messages/batch`. */
export async function runBulk(options: BulkOptions): Promise<BulkSummary> {
  const { contacts } = options;
  const total = contacts.rows.length;
  const state = loadState(options.statePath, contacts.hash) ?? newState(contacts.hash);
  checkInterrupted(state, options.resendUnsure);
  const earlier = state.next - 1;
  const before = { accepted: state.accepted, replayed: state.replayed, failed: state.failed.length };
  const progress = new Progress(total, earlier, options.out);
  progress.update(earlier);
  let interrupted = false;
  while (state.next <= total) {
    if (options.stopRequested()) {
      interrupted = true;
      break;
    }
    const from = state.next;
    const to = Math.min(total, from + options.batchSize - 1);
    state.inFlight = {
      from,
      to,
      startedAt: state.inFlight?.from === from ? state.inFlight.startedAt : Date.now(),
    };
    saveState(options.statePath, state);
    await sendRows(options, state, from, to);
    state.next = to + 1;
    state.inFlight = null;
    saveState(options.statePath, state);
    progress.update(to);
  }
  progress.finish();
  return {
    total,
    earlier,
    accepted: state.accepted - before.accepted,
    replayed: state.replayed - before.replayed,
    failed: state.failed,
    interrupted,
  };
}

/**
 * A batch sent before the run stopped may have been stored: sending it again is safe only while
 * the gateway still remembers its keys.
 */
function checkInterrupted(state: BulkState, resendUnsure: boolean): void {
  const { inFlight, retentionSeconds } = state;
  if (!inFlight || retentionSeconds === null || resendUnsure) return;
  const ageSeconds = (Date.now() - inFlight.startedAt) / 1000;
  if (ageSeconds < retentionSeconds * 0.9) return;
  throw new Error(
    `rows ${inFlight.from}-${inFlight.to} were being sent ${Math.round(ageSeconds)} s ago, longer than the gateway remembers idempotency keys (${retentionSeconds} s): some may have been sent, and sending them again could send them twice. Check them (smsgate messages), then rerun with --resend-unsure to send them anyway`,
  );
}

/** Sends rows [from, to], retrying those the gateway was too busy for; records each outcome. */
async function sendRows(options: BulkOptions, state: BulkState, from: number, to: number): Promise<void> {
  let pending: number[] = [];
  for (let row = from; row <= to; row++) pending.push(row);
  for (let attempt = 1; pending.length > 0; attempt++) {
    const answer = await postBatch(options, state, pending, attempt);
    const retry: number[] = [];
    for (const result of answer.results) {
      const row = pending[result.index]!;
      if (result.status === 'accepted') state.accepted++;
      else if (result.status === 'replayed') state.replayed++;
      else if (result.error && RETRYABLE_CODES.has(result.error.code) && attempt < MAX_ATTEMPTS)
        retry.push(row);
      else state.failed.push({ row, to: recipientOf(options, row), reason: describe(result.error) });
    }
    pending = retry;
    if (pending.length > 0) await sleep(backoffMs(attempt));
  }
}

async function postBatch(options: BulkOptions, state: BulkState, rows: readonly number[], attempt: number) {
  const messages = rows.map((row) => {
    const contact = options.contacts.rows[row - 1]!;
    return {
      to: contact[options.toColumn] ?? '',
      text: renderTemplate(options.template, contact),
      ...(options.from ? { from: options.from } : {}),
      clientRef: rowKey(state.fileHash, row),
      idempotencyKey: rowKey(state.fileHash, row),
    };
  });
  for (let tries = attempt; ; tries++) {
    try {
      return await apiRequest<BatchAnswer>(
        options.client,
        'POST',
        '/v1/messages/batch',
        { messages },
        {
          looksRight: (value) => Array.isArray((value as BatchAnswer).results),
          onHeaders: (headers) => {
            const retention = Number(headers.get('idempotency-retention-seconds'));
            if (Number.isFinite(retention) && retention > 0) state.retentionSeconds = retention;
          },
        },
      );
    } catch (error) {
      // A busy or restarting gateway, or none reachable: wait and send the same rows again (their
      // keys make that safe). A refusal of the request itself (400, 401) will not get better.
      const busy = error instanceof ApiError ? error.status === 429 || error.status >= 500 : true;
      if (!busy || tries >= MAX_ATTEMPTS) throw error;
      await sleep(backoffMs(tries));
    }
  }
}

function recipientOf(options: BulkOptions, row: number): string {
  return options.contacts.rows[row - 1]?.[options.toColumn] ?? '';
}

function describe(error: { code: string; message: string; field?: string } | undefined): string {
  return error ? `${error.message} (${error.code})` : 'no answer for this row';
}

function backoffMs(attempt: number): number {
  return Math.min(30_000, 250 * 2 ** (attempt - 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
