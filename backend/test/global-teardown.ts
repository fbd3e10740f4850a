import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dropSchemas, schemaListFile, TEST_STORE } from './test-store';

/** Drops the PostgreSQL schemas this run's backends used (see test-store.ts). */
export default async function globalTeardown(): Promise<void> {
  const list = schemaListFile();
  if (!list || !existsSync(list)) {
    return;
  }
  const schemas = [...new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean))];
  rmSync(list, { force: true });
  if (TEST_STORE === 'postgres') {
    await dropSchemas(schemas);
  }
}
