import type SqliteDatabase from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { cachedStatement } from '../sqlite-connection.js';
import type { QueryReply } from './protocol.js';
import type { SqliteWriterThread } from './writer-client.js';

/**
 * Kysely on a SQLite file whose writer is a thread of its own (writer-thread.ts). Statements in a
 * transaction, and every statement that writes, run on that thread's connection; a read outside a
 * transaction runs here, on this thread's connection, and sees everything committed before it
 * (WAL). Only one connection ever writes, so Kysely's deferred transactions never meet another
 * writer's commit between their read and their write (SQLITE_BUSY_SNAPSHOT).
 */
export class WriterThreadSqliteDialect implements Dialect {
  constructor(
    private readonly reader: SqliteDatabase.Database,
    private readonly writer: SqliteWriterThread,
  ) {}

  createDriver(): Driver {
    return new WriterThreadDriver(this.reader, this.writer);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own SqliteDialect takes any database type here.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** Statements Kysely compiles as writes (or schema changes) go to the writer without a look. */
const WRITE_KINDS = new Set([
  'InsertQueryNode',
  'UpdateQueryNode',
  'DeleteQueryNode',
  'MergeQueryNode',
  'CreateTableNode',
  'CreateIndexNode',
  'CreateViewNode',
  'DropTableNode',
  'DropIndexNode',
  'DropViewNode',
  'AlterTableNode',
]);

class WriterThreadDriver implements Driver {
  private nextTransaction = 1;
  private readonly reads = new Map<string, SqliteDatabase.Statement>();

  constructor(
    private readonly reader: SqliteDatabase.Database,
    private readonly writer: SqliteWriterThread,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new WriterThreadConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const txn = this.nextTransaction++;
    await this.writer.request({ type: 'begin', txn });
    (connection as WriterThreadConnection).transaction = txn;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WriterThreadConnection;
    await this.writer.request({ type: 'commit', txn: c.transaction! });
    c.transaction = undefined;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WriterThreadConnection;
    const txn = c.transaction;
    c.transaction = undefined;
    if (txn !== undefined) await this.writer.request({ type: 'rollback', txn });
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    this.reader.close();
  }

  async execute(compiled: CompiledQuery, transaction: number | undefined): Promise<QueryResult<unknown>> {
    if (transaction === undefined) {
      const read = this.readStatement(compiled);
      if (read) return { rows: read.all(compiled.parameters as unknown[]) };
    }
    const reply = (await this.writer.request({
      type: 'query',
      sql: compiled.sql,
      params: compiled.parameters,
      txn: transaction ?? null,
    })) as QueryReply;
    if (reply.changes === undefined) return { rows: reply.rows };
    return {
      rows: reply.rows,
      numAffectedRows: BigInt(reply.changes),
      ...(reply.lastInsertRowid !== undefined ? { insertId: BigInt(reply.lastInsertRowid) } : {}),
    };
  }

  /** The statement prepared on this thread's connection when it only reads; otherwise undefined. */
  private readStatement(compiled: CompiledQuery): SqliteDatabase.Statement | undefined {
    if (WRITE_KINDS.has(compiled.query.kind)) return undefined;
    let statement: SqliteDatabase.Statement;
    try {
      statement = cachedStatement(this.reads, this.reader, compiled.sql);
    } catch {
      // Some statements only the writer's connection can prepare (one naming a table a schema
      // change of the same migration creates); it reports any real error.
      return undefined;
    }
    return statement.reader && statement.readonly ? statement : undefined;
  }
}

class WriterThreadConnection implements DatabaseConnection {
  /** The Kysely transaction this connection is in, as the writer thread knows it. */
  transaction: number | undefined;

  constructor(private readonly driver: WriterThreadDriver) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(compiled, this.transaction) as Promise<QueryResult<R>>;
  }

  // biome-ignore lint/correctness/useYield: Kysely's streaming is not used by the gateway.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on SQLite');
  }
}
