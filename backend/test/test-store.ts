import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * Which store the tests run against: SQLite (the default) or, with MAHAVISHNU_TEST_STORE=postgres,
 * PostgreSQL at MAHAVISHNU_TEST_PG_URL (default the local `test` database). On PostgreSQL every
 * backend gets its own schema, named after its data dir, so tests stay independent and parallel,
 * and a restart with the same data dir (crash tests) finds the same data.
 */
export const TEST_STORE: 'sqlite' | 'postgres' =
  process.env.MAHAVISHNU_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_PG_URL = process.env.MAHAVISHNU_TEST_PG_URL || 'postgres://root@127.0.0.1:5432/test';

/** `test` on SQLite; `test.skip` on PostgreSQL, for tests of SQLite itself (say why next to it). */
export const sqliteOnly: jest.It = TEST_STORE === 'sqlite' ? globalThis.test : globalThis.test?.skip;

/**
 * The file that lists the schemas this jest run made (the run's id is set by global-setup.ts), for
 * global-teardown.ts to drop: only this run's, as another run may be using the same database.
 */
export function schemaListFile(runId = process.env.MAHAVISHNU_TEST_RUN): string | null {
  return runId ? join(tmpdir(), `mahavishnu-test-schemas-${runId}.txt`) : null;
}

/** The PostgreSQL schema of a data dir: the same for the same dir, across processes. */
export function schemaFor(dataDir: string): string {
  return `t_${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 24)}`;
}

/** What to merge into `store` for a backend in `dataDir`: nothing on SQLite. */
export function testStoreConfig(dataDir: string): { kind?: 'postgres'; url?: string; schema?: string } {
  if (TEST_STORE !== 'postgres') {
    return {};
  }
  const schema = schemaFor(dataDir);
  const list = schemaListFile();
  if (list) {
    appendFileSync(list, `${schema}\n`);
  }
  return { kind: 'postgres', url: TEST_PG_URL, schema };
}

/** The environment for a backend process in `dataDir`: nothing on SQLite. */
export function testStoreEnv(dataDir: string): Record<string, string> {
  const store = testStoreConfig(dataDir);
  return store.url && store.schema ? { MAHAVISHNU_STORE_URL: store.url, MAHAVISHNU_STORE_SCHEMA: store.schema } : {};
}

/** Drops these schemas (each backend's is dropped at the end of the jest run in any case). */
export async function dropSchemas(schemas: string[]): Promise<void> {
  if (schemas.length === 0) {
    return;
  }
  const client = new Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    // A backend still connected must not hold the drop up for long; what is left is left.
    await client.query(`set lock_timeout = '5s'`);
    for (const schema of schemas) {
      await client.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
