import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

export interface GuardHooks {
  /** Every error of the database, before it is thrown: returns what to throw instead (a typed store fault), or the error itself. */
  fault(err: unknown): unknown;
  /** SQLite: whether its connection is inside a transaction (SQLite ends one itself when a write fails for lack of space). */
  inTransaction?: () => boolean;
}

/**
 * A dialect whose every call to the database (queries, streams, connecting, BEGIN, COMMIT) turns a
 * store fault into its typed error (faults.ts) and tells the store's health (health.ts). Every path
 * that reaches the store through Kysely goes through here, so no route can answer a lost connection
 * or a full disk with a 500.
 */
export function guardDialect(inner: Dialect, hooks: GuardHooks): Dialect {
  return {
    createDriver: (): Driver => new GuardedDriver(inner.createDriver(), hooks),
    createQueryCompiler: (): QueryCompiler => inner.createQueryCompiler(),
    createAdapter: (): DialectAdapter => inner.createAdapter(),
    createIntrospector: (db: Kysely<any>): DatabaseIntrospector => inner.createIntrospector(db),
  };
}

class GuardedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly hooks: GuardHooks
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (err) {
      throw this.hooks.fault(err);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw this.hooks.fault(err);
    }
  }
}

class GuardedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly hooks: GuardHooks
  ) {}

  private async guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.hooks.fault(err);
    }
  }

  init(): Promise<void> {
    return this.guarded(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.guarded(() => this.inner.acquireConnection());
    return new GuardedConnection(conn, this.hooks);
  }

  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.guarded(() => this.inner.beginTransaction(unwrap(conn), settings));
  }

  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.guarded(() => this.inner.commitTransaction(unwrap(conn)));
  }

  /**
   * The transaction failed already: what its rollback says must not replace why. On SQLite a write
   * that found the disk full may have ended the transaction itself (a ROLLBACK then fails with
   * "no transaction is active"); on PostgreSQL a lost connection has none left to roll back.
   */
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    if (this.hooks.inTransaction && !this.hooks.inTransaction()) {
      return;
    }
    try {
      await this.inner.rollbackTransaction(unwrap(conn));
    } catch (err) {
      const typed = this.hooks.fault(err);
      if (typed === err) {
        throw err;
      }
      // A connection that broke: the pool drops it when it is released (it is no longer queryable).
    }
  }

  async savepoint(conn: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.guarded(() => this.inner.savepoint!(unwrap(conn), name, compile));
  }

  async rollbackToSavepoint(conn: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.guarded(() => this.inner.rollbackToSavepoint!(unwrap(conn), name, compile));
  }

  async releaseSavepoint(conn: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.guarded(() => this.inner.releaseSavepoint!(unwrap(conn), name, compile));
  }

  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(conn));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

function unwrap(conn: DatabaseConnection): DatabaseConnection {
  return conn instanceof GuardedConnection ? conn.inner : conn;
}
