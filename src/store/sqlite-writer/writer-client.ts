import { Worker } from 'node:worker_threads';
import type { SqliteConnectionSettings } from '../sqlite-connection.js';
import { fromWireError, type WriterReply, type WriterRequest } from './protocol.js';
import type { SqliteWriteInput, SqliteWriteOp, SqliteWriteResult, SqliteWriter } from './write-ops.js';

/**
 * The thread's code. Built, writer-thread.js beside this file. From source (tests, run under
 * tsx) the thread does not get tsx's loader by itself, so a two-line entry registers it first and
 * then imports writer-thread.ts.
 */
function startWorker(settings: SqliteConnectionSettings): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: settings });
  const entry = JSON.stringify(new URL('./writer-thread.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { eval: true, workerData: settings });
}

type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The main thread's side of the SQLite writer thread (writer-thread.ts): requests go out as
 * messages and each promise settles with the thread's reply, after its commit.
 */
export class SqliteWriterThread implements SqliteWriter {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private stopped: Error | undefined;
  private closing = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WriterReply) => this.settle(message));
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`the SQLite writer thread exited (code ${code})`)));
    // Idle, the thread must not keep the process alive; a write in flight must (see request).
    worker.unref();
  }

  /**
   * Starts the thread. Requests may be made at once: they wait in the thread's port while it
   * loads (not waiting for it took the writer's start out of the gateway's cold start). If it
   * cannot open the file, every request is rejected with why.
   */
  static start(settings: SqliteConnectionSettings): SqliteWriterThread {
    return new SqliteWriterThread(startWorker(settings));
  }

  write<K extends SqliteWriteOp>(op: K, input: SqliteWriteInput<K>): Promise<SqliteWriteResult<K>> {
    return this.request({ type: 'write', op, input }) as Promise<SqliteWriteResult<K>>;
  }

  request(request: Request): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Commits what was asked for, closes the connection and ends the thread. */
  async close(): Promise<void> {
    if (this.stopped) return;
    // Held until the thread has exited: its exit is the last thing the process waits for.
    this.closing = true;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    await this.request({ type: 'close' });
    await exited;
  }

  private settle(reply: WriterReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0 && !this.closing) this.worker.unref();
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(fromWireError(reply.error));
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
