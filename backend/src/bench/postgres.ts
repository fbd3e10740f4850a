import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the PostgreSQL pass goes unless BENCH_PG_URL says otherwise. */
export const DEFAULT_PG_URL = 'postgres://root@127.0.0.1:5432/test';

/** A fresh schema on a reachable PostgreSQL for one backend run; `drop()` removes it (idempotent). */
export interface BenchSchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/** The URL with any password masked, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) {
      u.password = '***';
    }
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function connect(url: string, timeoutMs: number): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // An error after connecting (the server going away) must not take the bench down.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Creates `bench_<random>` on the PostgreSQL at `url`, or resolves with the reason it could not
 * (unreachable, refused, no right to create a schema) so that the caller can skip the pass.
 */
export async function createBenchSchema(url: string, timeoutMs = 3_000): Promise<BenchSchema | { skipped: string }> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  let client: Client;
  try {
    client = await connect(url, timeoutMs);
  } catch (err) {
    return { skipped: `PostgreSQL at ${redactUrl(url)} not reachable (${(err as Error).message || String(err)})` };
  }
  try {
    await client.query(`create schema ${schema}`);
  } catch (err) {
    return { skipped: `cannot create schema ${schema} at ${redactUrl(url)}: ${(err as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
  let dropped: Promise<void> | null = null;
  return {
    url,
    schema,
    drop: () =>
      (dropped ??= (async () => {
        const c = await connect(url, timeoutMs);
        try {
          await c.query(`drop schema if exists ${schema} cascade`);
        } finally {
          await c.end().catch(() => undefined);
        }
      })()),
  };
}
