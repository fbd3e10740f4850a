import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from './statement-cache';

describe('withStatementCache', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('create table t (id integer primary key, v text)');
  });
  afterEach(() => db.close());

  test('prepares a statement once and runs it again with other parameters', async () => {
    const prepare = jest.spyOn(db, 'prepare');
    const k = new Kysely<{ t: { id: number; v: string } }>({ dialect: new SqliteDialect({ database: withStatementCache(db) }) });
    for (let i = 0; i < 5; i++) {
      await k.insertInto('t').values({ id: i, v: `v${i}` }).execute();
    }
    expect((await k.selectFrom('t').select('v').where('id', '=', 3).execute()).map((r) => r.v)).toEqual(['v3']);
    expect((await k.selectFrom('t').select('v').where('id', '=', 4).execute()).map((r) => r.v)).toEqual(['v4']);
    // One insert, one select; nothing else (transactions' BEGIN and COMMIT are cached the same way).
    expect(new Set(prepare.mock.calls.map(([text]) => text)).size).toBe(2);
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  test('a statement still iterating is not handed out again: the second caller gets its own', () => {
    const cached = withStatementCache(db);
    db.exec("insert into t values (1, 'a'), (2, 'b')");
    const first = cached.prepare('select v from t order by id');
    const rows = first.iterate([]);
    expect(rows.next().value).toEqual({ v: 'a' });
    const second = cached.prepare('select v from t order by id');
    expect(second).not.toBe(first);
    expect(second.all([])).toEqual([{ v: 'a' }, { v: 'b' }]);
    expect(rows.next().value).toEqual({ v: 'b' });
    rows.return?.();
    expect(cached.prepare('select v from t order by id')).toBe(first);
  });

  test('keeps at most 256 statements, the most recently used, and never a long one', () => {
    const cached = withStatementCache(db);
    const prepare = jest.spyOn(db, 'prepare');
    const text = (i: number) => `select ${i} as n`;
    const kept = cached.prepare(text(0));
    for (let i = 1; i <= 300; i++) {
      cached.prepare(text(i));
      cached.prepare(text(0)); // used again each time: stays
    }
    expect(cached.prepare(text(0))).toBe(kept);
    prepare.mockClear();
    cached.prepare(text(300));
    expect(prepare).not.toHaveBeenCalled();
    cached.prepare(text(1)); // pushed out long ago
    expect(prepare).toHaveBeenCalledTimes(1);
    const long = `select '${'x'.repeat(3000)}' as n`;
    expect(cached.prepare(long)).not.toBe(cached.prepare(long));
  });

  test('runs transactions through the cache', async () => {
    const k = new Kysely<{ t: { id: number; v: string } }>({ dialect: new SqliteDialect({ database: withStatementCache(db) }) });
    await expect(
      k.transaction().execute(async (tx) => {
        await tx.insertInto('t').values({ id: 1, v: 'kept?' }).execute();
        throw new Error('rolled back');
      })
    ).rejects.toThrow('rolled back');
    await k.transaction().execute((tx) => tx.insertInto('t').values({ id: 2, v: 'kept' }).execute());
    const rows = await sql<{ id: number }>`select id from t`.execute(k);
    expect(rows.rows).toEqual([{ id: 2 }]);
  });
});
