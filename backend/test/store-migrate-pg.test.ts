import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Client } from 'pg';
import { openPostgres, type DB } from '../src/store/db';
import { migrateToLatest } from '../src/store/migrations';
import { dropSchemas, TEST_PG_URL, TEST_STORE } from './test-store';

/**
 * Several stores (tenants, replicas) share one PostgreSQL database, each in its own schema. One
 * that starts while another tenant's schema is dropped must still start: Kysely's introspection
 * of the whole database failed then with `schema "<the dropped one>" does not exist`, and its
 * Migrator asks it whether the migration tables exist (see src/store/pg-schema-dialect.ts).
 */
const pgOnly = TEST_STORE === 'postgres' ? describe : describe.skip;

pgOnly('PostgreSQL stores in one database', () => {
  const run = randomBytes(4).toString('hex');
  const made: string[] = [];
  const name = (what: string, i: number) => {
    const schema = `t_mig_${run}_${what}_${i}`;
    made.push(schema);
    return schema;
  };

  afterAll(async () => {
    await dropSchemas(made);
  });

  async function migrated(schema: string): Promise<Kysely<DB>> {
    const { db } = await openPostgres({ url: TEST_PG_URL, schema, poolMax: 2 });
    try {
      await migrateToLatest(db, schema);
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return db;
  }

  async function drop(schemas: string[]): Promise<void> {
    const client = new Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      for (const schema of schemas) {
        await client.query(`drop schema if exists "${schema}" cascade`);
      }
    } finally {
      await client.end();
    }
  }

  test("introspection sees its own schema's tables only, and other schemas dropped meanwhile do not fail it", async () => {
    const db = await migrated(name('own', 0));
    try {
      const others = await Promise.all([0, 1, 2, 3].map((i) => migrated(name('other', i))));
      await Promise.all(others.map((o) => o.destroy()));
      const tables = await db.introspection.getTables();
      expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([`t_mig_${run}_own_0`]));
      expect(tables.map((t) => t.name)).toContain('incidents');
      expect(tables.map((t) => t.name)).not.toContain('kysely_migration');
      const events = tables.find((t) => t.name === 'events')!;
      expect(events.columns.find((c) => c.name === 'seq')).toMatchObject({
        isAutoIncrementing: true,
        isNullable: false,
      });
      expect(events.columns.find((c) => c.name === 'correlation_id')).toMatchObject({
        dataType: 'text',
        isAutoIncrementing: false,
        isNullable: true,
      });
      expect((await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name)).toContain(
        'kysely_migration'
      );
      expect(await db.introspection.getSchemas()).toEqual([{ name: `t_mig_${run}_own_0` }]);

      // Introspection, over and over, while schemas come and go around it.
      let churning = true;
      const churn = (async () => {
        for (let i = 0; churning; i++) {
          const schemas = [0, 1, 2, 3].map((j) => name(`churn${i}`, j));
          const c = new Client({ connectionString: TEST_PG_URL });
          await c.connect();
          try {
            for (const s of schemas) {
              await c.query(`create schema "${s}"`);
              await c.query(`create table "${s}".t (id serial primary key, v text)`);
            }
          } finally {
            await c.end();
          }
          await drop(schemas);
        }
      })();
      try {
        for (let i = 0; i < 40; i++) {
          expect((await db.introspection.getTables()).length).toBeGreaterThan(10);
        }
      } finally {
        churning = false;
        await churn;
      }
    } finally {
      await db.destroy();
    }
  }, 60_000);

  test('stores migrate to the latest at the same time as other stores are dropped', async () => {
    let previous: string[] = [];
    for (let round = 0; round < 4; round++) {
      const schemas = Array.from({ length: 8 }, (_, i) => name(`r${round}`, i));
      const results = await Promise.allSettled([
        ...schemas.map(async (schema) => {
          const db = await migrated(schema);
          try {
            const tables = await db.introspection.getTables();
            expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'incidents', 'leases']));
          } finally {
            await db.destroy();
          }
        }),
        drop(previous),
      ]);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      previous = schemas;
    }
  }, 120_000);

  test('two replicas of one new store start at the same time', async () => {
    const schema = name('twin', 0);
    const dbs = await Promise.all([migrated(schema), migrated(schema), migrated(schema)]);
    await Promise.all(dbs.map((db) => db.destroy()));
    const again = await migrated(schema);
    await again.destroy();
  }, 60_000);
});
