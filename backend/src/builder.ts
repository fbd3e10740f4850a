import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createApi } from './api/app';
import { Background } from './app/background';
import { openStore } from './app/open-store';
import { SoloLeadership, type ChangedIncidents, type Leadership } from './cluster/leadership';
import { defaultReplicaId } from './cluster/names';
import { PostgresLeadership } from './cluster/postgres-leadership';
import type { Services } from './api/services';
import type { Config } from './config/schema';
import { ChangeBus } from './engine/change-bus';
import type { Changes } from './engine/changes';
import { IncidentEngine } from './engine/engine';
import { IncidentService } from './incidents/incident-service';
import { GroupCommitter } from './ingest/group-commit';
import { IngestService } from './ingest/ingest-service';
import { Metrics } from './metrics/metrics';
import type { Channel } from './notification/channel';
import { createChannel } from './notification/channels';
import type { NotificationConfig } from './notification/config';
import { IncidentNotifier } from './notification/notifier';
import { NotificationRelay } from './notification/relay';
import { PostmortemService } from './postmortem/postmortem-service';
import { ActionRunner } from './remediation/action-runner';
import { AutoResponder } from './remediation/auto-responder';
import { RemediationService } from './remediation/remediation-service';
import { OutboundGuard } from './security/outbound';
import { createHttpClient, type HttpClient } from './util/http-client';
import { WorkerBacktester } from './rules/backtests';
import { RuleService } from './rules/rule-service';
import { AuditLog } from './security/audit';
import { KeyRing } from './security/keys';
import { assertListenable, grafanaWebhookVerifier } from './security/setup';
import { IntakeRateLimiter } from './security/rate-limit';
import type { Store } from './store/store';
import { systemClock, type Clock } from './util/clock';

export interface BuildOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Run the periodic sweep and the notification relay on timers (tests drive `engine.sweep()` and `relay.tick()` themselves). */
  sweepTimer?: boolean;
  /** Where keys and webhook secrets named in the configuration are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The way out to the network (tests may wrap it to watch). */
  http?: HttpClient;
}

/** The configured receivers by name, plus a `log` receiver when none is named so. */
function buildChannels(cfg: NotificationConfig, deps: Parameters<typeof createChannel>[2]): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  for (const [name, c] of Object.entries(cfg.channels)) {
    channels.set(name, createChannel(name, c, deps));
  }
  if (!channels.has('log')) {
    channels.set('log', createChannel('log', { type: 'log' }, deps));
  }
  return channels;
}

/**
 * The IncidentManager: the one place that wires the pipeline, in its order:
 * ingest -> event log -> IncidentDetector -> IncidentCorrelator -> IncidentResponseWorkflow
 * (AutoResponder, IncidentNotifier) -> incident store and outbox -> action runner, notification
 * relay -> API, stream, metrics.
 */
export class IncidentManager {
  private server: Server | null = null;
  private readonly background: Background;
  private timers = false;

  private constructor(
    readonly services: Services,
    private readonly logger: Logger,
    /** Releases the outbound connections the manager's own HTTP client keeps open. */
    private readonly closeHttp: () => Promise<void>
  ) {
    this.background = new Background(services, logger);
  }

  static async build(opts: BuildOptions): Promise<IncidentManager> {
    const { config, logger } = opts;
    const clock = opts.clock ?? systemClock;
    const replicaId = config.cluster.replica_id ?? defaultReplicaId();
    const { store, storeHealth, schema } = await openStore(config, clock, logger, replicaId);
    const leadership: Leadership =
      config.store.kind === 'postgres'
        ? new PostgresLeadership(store, {
            url: config.store.url!,
            schema: schema ?? 'public',
            replicaId,
            leaseMs: config.cluster.lease_seconds * 1000,
            heartbeatMs: config.cluster.heartbeat_ms,
            logger,
            storeFault: (err) => storeHealth.report(err) !== null,
          })
        : new SoloLeadership(replicaId);
    const metrics = new Metrics();
    const bus = new ChangeBus();
    // Every connection out (receivers, http actions, the SMTP relay) is checked against the allowlist at connect time.
    const outbound = new OutboundGuard({ allowlist: config.security.outbound.allowlist });
    const ownHttp = createHttpClient({ outbound });
    const http = opts.http ?? ownHttp;
    const channels = buildChannels(config.notification, { http, outbound, logger, clock });
    const notifier = new IncidentNotifier(channels, config.notification.routes, config.server.public_url);
    const responder = new AutoResponder(config.remediation, { http });
    const retry = config.notification.retry;
    const relay = new NotificationRelay(store, channels, clock, metrics, logger, {
      initialBackoffMs: retry.initial_seconds * 1000,
      maxBackoffMs: retry.max_seconds * 1000,
      maxAttempts: retry.max_attempts,
      intervalMs: config.notification.relay_interval_ms,
      owner: NotificationRelay.newOwner(),
      claimMs: config.notification.claim_seconds * 1000,
      storeFault: (err) => storeHealth.report(err) !== null,
    });
    let runner: ActionRunner | undefined;
    const afterCommit = (changes: Pick<Changes, 'newRuns' | 'outbox'>) => {
      if (changes.outbox.length > 0) {
        relay.kick();
      }
      runner?.start(changes.newRuns.filter((r) => r.trigger === 'auto'));
    };
    // With replicas, every engine commit checks that this replica still leads and tells the others which incidents changed.
    const fence = leadership.shared
      ? async (tx: Store, changed: ChangedIncidents) => {
          await leadership.fence(tx);
          if (changed.created.length + changed.updated.length > 0) {
            await leadership.signal({ kind: 'incidents', ...changed }, tx);
          }
        }
      : undefined;
    const engine = new IncidentEngine(
      { store, clock, bus, metrics, logger, responder, notifier, afterCommit, fence },
      {
        sharedLog: leadership.shared,
        retentionSeconds: config.detection.events_retention_seconds,
        maxEvents: config.detection.max_events,
        prolongedSeconds: config.detection.prolonged_seconds,
        alertnameTypes: config.detection.alertname_types,
        eventLogRetentionSeconds: config.detection.event_log_retention_seconds,
      }
    );
    const committer = new GroupCommitter({
      append: async (events) => {
        // While the store is faulty, refused at once (503 or 507) rather than queued behind it.
        storeHealth.assertHealthy();
        return store.transaction(async (tx) => {
          await leadership.orderAppend(tx);
          return tx.events.append(events);
        });
      },
      afterCommit: (stored) => engine.submit(stored),
      maxRows: config.ingest.max_commit_rows,
      onError: (err) => {
        if (!storeHealth.report(err)) {
          logger.error({ err }, 'engine step failed; it resumes from its checkpoint');
        }
      },
    });
    const limiter = new IntakeRateLimiter(clock, config.security.rate_limit);
    const ingest = new IngestService(committer, clock, metrics, config.ingest.max_batch, limiter);
    const keys = new KeyRing(store, clock, config.security.auth.keys, opts.env ?? process.env, () => leadership.signal({ kind: 'keys' }));
    await keys.load();
    const security = { keys, grafanaWebhook: grafanaWebhookVerifier(config, opts.env ?? process.env, clock, store.signatures) };
    const audit = new AuditLog(store, clock, logger, config.security.audit);
    // What the log holds past its retention or its most entries goes at start, then on the audit log's timer.
    await audit.maintain().catch((err: unknown) => logger.error({ err }, 'could not prune the audit log at start; its timer tries again'));
    const backtester = new WorkerBacktester({
      workers: config.detection.backtest_workers,
      queue: config.detection.backtest_queue,
      timeoutSeconds: config.detection.backtest_timeout_seconds,
    });
    metrics.countBacktests(() => backtester.running);
    const rules = new RuleService(
      store,
      engine,
      clock,
      { retentionSeconds: config.detection.events_retention_seconds, maxEvents: config.detection.max_events },
      backtester,
      () => leadership.signal({ kind: 'rules' })
    );
    const incidents = new IncidentService(store, engine, clock);
    runner = new ActionRunner(store, engine, responder, clock, metrics, logger);
    const remediation = new RemediationService(
      store,
      incidents,
      engine,
      responder,
      runner,
      clock,
      config.remediation.approval_ttl_seconds
    );
    const postmortems = new PostmortemService(store, incidents, remediation, clock);
    const manager = new IncidentManager(
      {
        config,
        clock,
        store,
        engine,
        ingest,
        incidents,
        rules,
        remediation,
        postmortems,
        runner,
        relay,
        bus,
        metrics,
        security,
        audit,
        cluster: leadership,
        storeHealth,
      },
      logger,
      () => ownHttp.close()
    );
    manager.timers = opts.sweepTimer !== false;
    await rules.load(config.detection.rules);
    leadership.onSignal((signal) => manager.background.heard(signal));
    await leadership.start(
      {
        // Leading: the engine rebuilds from the store and goes on from the checkpoint; queued actions start.
        elected: async () => {
          // Another replica may have changed the rules since this one last read them.
          await engine.start(leadership.shared ? await rules.reload() : rules.list());
          await runner.resumeQueued();
          metrics.engineLeader.set(1);
          if (manager.timers) {
            manager.background.startSweeps();
          }
        },
        deposed: async () => {
          metrics.engineLeader.set(0);
          manager.background.stopSweeps();
          await engine.stop();
        },
      },
      `http://${config.server.host}:${config.server.port}`
    );
    if (manager.timers) {
      relay.start();
      audit.start();
    }
    relay.kick();
    // The store works again: the engine (rebuilt from the store if a commit failed) processes what
    // was committed meanwhile, and the relay sends what is due.
    storeHealth.onChange((healthy) => {
      if (healthy) {
        engine.catchUp().catch((err) => manager.background.failed('catching up with the event log failed', err));
        relay.kick();
      }
    });
    return manager;
  }

  get engine(): IncidentEngine {
    return this.services.engine;
  }

  /** Serves the API; port 0 picks a free one. Resolves with the address it listens on. */
  listen(port: number, host: string): Promise<{ port: number; host: string }> {
    assertListenable(host, this.services.security.keys.enforced);
    const server = createServer(createApi(this.services, this.logger));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const addr = server.address();
        const bound = typeof addr === 'object' && addr ? addr.port : port;
        const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
        this.services.cluster.advertise(this.services.config.cluster.advertise_url ?? `http://${shown}:${bound}`);
        resolve({ port: bound, host });
      });
      server.keepAliveTimeout = 65_000;
      this.server = server;
    });
  }

  /** Stops taking events (503), finishes what was accepted, closes the server and the store. */
  async close(): Promise<void> {
    this.background.stopSweeps();
    await this.services.ingest.close();
    await this.services.engine.idle();
    // A replica that no longer leads cannot write it; whoever leads saves its own.
    await this.services.engine.saveCheckpoint().catch((err) => this.logger.warn({ err }, 'could not save the engine checkpoint at shutdown; the next start processes the last events again'));
    await this.services.runner.settle();
    this.services.relay.close();
    await this.services.relay.settle();
    await this.services.audit.close();
    await this.services.rules.close();
    this.services.storeHealth.close();
    // Leading: the lease is given up, so a standby takes over at its next heartbeat.
    await this.services.cluster.close();
    await this.closeHttp();
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
