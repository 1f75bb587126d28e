// The SQLite writer thread: the one connection that writes the file. Every write of the gateway
// comes here — the hot writes by name (write-ops.ts), grouped into one transaction per turn, and
// every Kysely statement that is not a plain read — so statements and commits (fsync included) run
// beside the event loop, not on it. Reads outside a transaction stay on the main thread's own
// connection (WAL lets it read while this one writes); see worker-dialect.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';
import {
  cachedStatement,
  openSqliteConnection,
  type SqliteConnectionSettings,
} from '../sqlite-connection.js';
import { runInOneTransaction } from '../sqlite-one-transaction.js';
import { type QueryReply, toWireError, type WriterReply, type WriterRequest } from './protocol.js';

type WriteRequest = Extract<WriterRequest, { type: 'write' }>;

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread');

const sqlite = openSqliteConnection(workerData as SqliteConnectionSettings);
const statements = new Map<string, SqliteDatabase.Statement>();
/** The Kysely transaction open on the connection; statements of anything else wait for its end. */
let openTransaction: number | undefined;
let waitingForTransaction: WriterRequest[] = [];
let writes: WriteRequest[] = [];
let flushScheduled = false;
// The write ops (and the query modules and Kysely under them) load when the first hot write comes:
// a start's migrations and reads do not wait for them (loading them first added 150 ms to every
// cold start; docs/performance.md).
let writeOps: typeof import('./write-ops.js') | undefined;
let loading: Promise<void> | undefined;

function loadWriteOps(): Promise<void> {
  loading ??= import('./write-ops.js').then(
    (ops) => {
      writeOps = ops;
      scheduleFlush();
    },
    (error: unknown) => {
      // Not expected (it is our own code); the writes asked for fail rather than wait for ever.
      for (const request of writes.splice(0)) reply({ id: request.id, ok: false, error: toWireError(error) });
    },
  );
  return loading;
}

port.on('message', (request: WriterRequest) => handle(request));

function reply(message: WriterReply): void {
  port!.postMessage(message);
}

function handle(request: WriterRequest): void {
  if (request.type === 'write') {
    if (!writeOps) void loadWriteOps();
    writes.push(request);
    scheduleFlush();
    return;
  }
  if (request.type === 'close') {
    if (!writeOps && writes.length > 0) {
      void loadWriteOps().then(() => handle(request));
      return;
    }
    flushWrites();
    sqlite.close();
    reply({ id: request.id, ok: true, value: null });
    port!.close();
    return;
  }
  if (openTransaction !== undefined && (request.type === 'begin' || request.txn !== openTransaction)) {
    waitingForTransaction.push(request);
    return;
  }
  try {
    reply({ id: request.id, ok: true, value: run(request) });
  } catch (error) {
    reply({ id: request.id, ok: false, error: toWireError(error) });
  } finally {
    if (request.type === 'rollback' || (request.type === 'commit' && openTransaction === undefined)) {
      const waiting = waitingForTransaction;
      waitingForTransaction = [];
      for (const next of waiting) handle(next);
      scheduleFlush();
    }
  }
}

function run(request: Exclude<WriterRequest, WriteRequest | { type: 'close' }>): unknown {
  switch (request.type) {
    case 'begin':
      sqlite.exec('BEGIN');
      openTransaction = request.txn;
      return null;
    case 'commit':
      // A failed commit (the disk) leaves the transaction open for Kysely's rollback.
      sqlite.exec('COMMIT');
      openTransaction = undefined;
      return null;
    case 'rollback':
      openTransaction = undefined;
      // SQLite may have rolled back already (after some errors); then there is nothing to undo.
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      return null;
    case 'query':
      return query(request.sql, request.params);
  }
}

function query(sql: string, params: readonly unknown[]): QueryReply {
  const statement = cachedStatement(statements, sqlite, sql);
  if (statement.reader) return { rows: statement.all(params) };
  const { changes, lastInsertRowid } = statement.run(params);
  return { rows: [], changes, lastInsertRowid: Number(lastInsertRowid) };
}

function scheduleFlush(): void {
  if (flushScheduled || writes.length === 0 || !writeOps) return;
  flushScheduled = true;
  // setImmediate: the requests posted in one turn of the main thread arrive together; they all
  // join the one transaction.
  setImmediate(() => {
    flushScheduled = false;
    flushWrites();
  });
}

/** The hot writes waiting, in one transaction (not while a Kysely transaction is open). */
function flushWrites(): void {
  const ops = writeOps;
  if (openTransaction !== undefined || writes.length === 0 || !ops) return;
  const batch = writes;
  writes = [];
  const outcomes = runInOneTransaction(
    sqlite,
    batch.map((request) => () => ops.runWriteOp(sqlite, request.op, request.input)),
  );
  batch.forEach((request, i) => {
    const outcome = outcomes[i]!;
    reply(
      outcome.ok
        ? { id: request.id, ok: true, value: outcome.value }
        : { id: request.id, ok: false, error: toWireError(outcome.error) },
    );
  });
}
