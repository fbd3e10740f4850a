import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Statements kept at most; the least recently used goes first. */
const MAX_STATEMENTS = 256;
/** Longer statements (multi-row inserts of many events) are prepared each time: their compile is amortized over their rows. */
const MAX_CACHED_SQL = 2048;

/**
 * The SQLite connection as Kysely sees it, with its prepared statements kept by SQL text. Kysely
 * prepares every query it runs, BEGIN and COMMIT included; at one event per request that was a
 * tenth of the backend's time, spent compiling the same few statements again and again.
 */
export function withStatementCache(db: Database): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): Statement {
      if (sql.length > MAX_CACHED_SQL) {
        return db.prepare(sql);
      }
      const cached = cache.get(sql);
      // A statement still iterating (a stream) cannot run again until it ends: that caller gets its own.
      if (cached !== undefined && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const stmt = db.prepare(sql);
      if (cached === undefined) {
        cache.set(sql, stmt);
        if (cache.size > MAX_STATEMENTS) {
          cache.delete(cache.keys().next().value!);
        }
      }
      return stmt;
    },
  };
}
