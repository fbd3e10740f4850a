import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './api/app';
import type { Services } from './api/services';
import type { Config } from './config/schema';
import { ChangeBus } from './engine/change-bus';
import { IncidentEngine } from './engine/engine';
import { IncidentService } from './incidents/incident-service';
import { GroupCommitter } from './ingest/group-commit';
import { IngestService } from './ingest/ingest-service';
import { Metrics } from './metrics/metrics';
import { RuleService } from './rules/rule-service';
import { openSqlite } from './store/db';
import { Store } from './store/store';
import { systemClock, type Clock } from './util/clock';

export interface BuildOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Run the periodic sweep on a timer (tests drive `manager.engine.sweep()` themselves). */
  sweepTimer?: boolean;
}

/**
 * The spec's IncidentManager: the one place that wires the pipeline, in its order:
 * ingest -> event log -> IncidentDetector -> IncidentCorrelator -> (AutoResponder, IncidentNotifier:
 * issue B) -> incident store -> API, stream, metrics.
 */
export class IncidentManager {
  private sweepHandle: NodeJS.Timeout | null = null;
  private server: Server | null = null;

  private constructor(
    readonly services: Services,
    private readonly logger: Logger
  ) {}

  static async build(opts: BuildOptions): Promise<IncidentManager> {
    const { config, logger } = opts;
    const clock = opts.clock ?? systemClock;
    const { db } = openSqlite({ dataDir: config.store.data_dir, synchronous: config.store.sqlite_synchronous });
    const store = new Store(db);
    await store.migrate();
    const metrics = new Metrics();
    const bus = new ChangeBus();
    const engine = new IncidentEngine(
      { store, clock, bus, metrics, logger },
      {
        retentionSeconds: config.detection.events_retention_seconds,
        maxEvents: config.detection.max_events,
        prolongedSeconds: config.detection.prolonged_seconds,
        alertnameTypes: config.detection.alertname_types,
        eventLogRetentionSeconds: config.detection.event_log_retention_seconds,
      }
    );
    const committer = new GroupCommitter({
      append: (events) => store.transaction((tx) => tx.events.append(events)),
      afterCommit: (stored) => engine.submit(stored),
      maxRows: config.ingest.max_commit_rows,
      onError: (err) => logger.error({ err }, 'engine step failed; it resumes from its checkpoint'),
    });
    const ingest = new IngestService(committer, clock, metrics, config.ingest.max_batch);
    const rules = new RuleService(store, engine, clock, {
      retentionSeconds: config.detection.events_retention_seconds,
      maxEvents: config.detection.max_events,
    });
    const incidents = new IncidentService(store, engine, clock);
    const manager = new IncidentManager({ config, clock, store, engine, ingest, incidents, rules, bus, metrics }, logger);
    await engine.start(await rules.load(config.detection.rules));
    if (opts.sweepTimer !== false) {
      manager.startSweeps();
    }
    return manager;
  }

  get engine(): IncidentEngine {
    return this.services.engine;
  }

  private startSweeps(): void {
    const every = 1000;
    this.sweepHandle = setInterval(() => {
      this.services.engine.sweep().catch((err) => this.logger.error({ err }, 'sweep failed'));
    }, every);
    this.sweepHandle.unref();
  }

  /** Serves the API; port 0 picks a free one. Resolves with the address it listens on. */
  listen(port: number, host: string): Promise<{ port: number; host: string }> {
    const app = createApp(this.services, this.logger);
    return new Promise((resolve, reject) => {
      const server = app.listen(port, host, (err?: Error) => {
        if (err) {
          reject(err);
          return;
        }
        const addr = server.address();
        resolve({ port: typeof addr === 'object' && addr ? addr.port : port, host });
      });
      server.keepAliveTimeout = 65_000;
      this.server = server;
    });
  }

  /** Stops taking events (503), finishes what was accepted, closes the server and the store. */
  async close(): Promise<void> {
    if (this.sweepHandle) {
      clearInterval(this.sweepHandle);
    }
    await this.services.ingest.close();
    await this.services.engine.idle();
    if (this.server) {
      const server = this.server;
      server.closeIdleConnections();
      const closed = new Promise<void>((r) => server.close(() => r()));
      setTimeout(() => server.closeAllConnections(), 2000).unref();
      await closed;
    }
    await this.services.store.close();
  }
}
