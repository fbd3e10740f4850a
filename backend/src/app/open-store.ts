import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import { openStoreDb } from '../store/db';
import { toStoreFault } from '../store/faults';
import { StoreHealth } from '../store/health';
import { Store } from '../store/store';
import type { Clock } from '../util/clock';

/**
 * Opens the store (SQLite, or PostgreSQL with sessions named after this replica), brings its schema
 * up to date, and gives it a health: every store fault is typed (503 or 507 with Retry-After) and
 * makes the store unhealthy until a probe write works again (docs/replicas.md, "When the store fails").
 */
export async function openStore(config: Config, clock: Clock, logger: Logger, replicaId: string): Promise<{ store: Store; storeHealth: StoreHealth; schema: string | undefined }> {
    const retryAfter = config.store.retry_after_seconds;
    // Every store fault is typed (503 or 507 with Retry-After) and, once the health exists, makes the store unhealthy.
    let health: StoreHealth | undefined;
    const fault = (err: unknown): unknown => (health ? health.report(err) : toStoreFault(err, retryAfter)) ?? err;
    const { db, schema, target } = await openStoreDb(config.store, {
      fault,
      applicationName: `mahavishnu/${config.store.schema ?? 'public'} ${replicaId}`,
      onPoolError: (err) => {
        if (!health?.report(err)) {
          logger.warn({ err }, 'a pooled PostgreSQL connection failed; the pool replaces it');
        }
      },
    });
    const store = new Store(db, schema);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    const storeHealth = new StoreHealth({
      clock,
      logger,
      target,
      retryAfterSeconds: retryAfter,
      probeMs: config.store.health_probe_ms,
      probe: () => store.meta.setNumber('store_probe', clock.now()),
    });
    health = storeHealth;
    return { store, storeHealth, schema };
}
