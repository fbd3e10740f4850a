import type { Logger } from 'pino';
import type { Services } from '../api/services';
import type { Signal } from '../cluster/leadership';

/**
 * What runs in the background of a running backend: the engine's sweep on a timer, the signals of
 * other replicas, and how the failures of background steps are told (once, for store faults: the
 * store's health logs those).
 */
export class Background {
  private sweepHandle: NodeJS.Timeout | null = null;
  private catchUpHandle: NodeJS.Timeout | null = null;

  constructor(
    private readonly services: Services,
    private readonly logger: Logger
  ) {}

  /** Logs an error of a background step, unless it is a store fault (the store's health logs those once). */
  failed(what: string, err: unknown): void {
    if (!this.services.storeHealth.report(err)) {
      this.logger.error({ err }, what);
    }
  }

  /** What another replica changed: new events for the engine, keys, rules, incidents for the live stream. */
  heard(signal: Signal): void {
    const { engine, security, rules, store, bus, cluster } = this.services;
    const failed = (what: string) => (err: unknown) => {
      if (!this.services.storeHealth.report(err)) {
        this.logger.warn({ err }, `could not re-read ${what} another replica changed`);
      }
    };
    switch (signal.kind) {
      case 'events':
        engine.catchUp().catch(failed('the event log'));
        break;
      case 'keys':
        security.keys.load().catch(failed('the keys'));
        break;
      case 'rules':
        if (!cluster.leading) {
          rules.reload().catch(failed('the rules'));
        }
        break;
      case 'incidents':
        if (!cluster.leading) {
          const relay = (type: 'incident_created' | 'incident_updated') => async (id: string) => {
            const incident = await store.incidents.get(id);
            if (incident) {
              bus.publish({ type, incident });
            }
          };
          void Promise.all([...signal.created.map(relay('incident_created')), ...signal.updated.map(relay('incident_updated'))]).catch(failed('the incidents'));
        }
        break;
    }
  }

  /** Runs the engine's sweep every second (and, with replicas, catches up with the shared log). */
  startSweeps(): void {
    const every = 1000;
    this.stopSweeps();
    const { storeHealth } = this.services;
    // While the store is faulty the engine waits; it goes on when the store works again.
    this.sweepHandle = setInterval(() => {
      if (storeHealth.healthy) {
        this.services.engine.sweep().catch((err) => this.failed('sweep failed', err));
      }
    }, every);
    this.sweepHandle.unref();
    if (this.services.cluster.shared) {
      // A missed notice of new events (the listening connection was down) costs at most this long.
      this.catchUpHandle = setInterval(() => {
        if (storeHealth.healthy) {
          this.services.engine.catchUp().catch((err) => this.failed('catching up with the event log failed', err));
        }
      }, every);
      this.catchUpHandle.unref();
    }
  }

  stopSweeps(): void {
    if (this.sweepHandle) {
      clearInterval(this.sweepHandle);
      this.sweepHandle = null;
    }
    if (this.catchUpHandle) {
      clearInterval(this.catchUpHandle);
      this.catchUpHandle = null;
    }
  }
}
