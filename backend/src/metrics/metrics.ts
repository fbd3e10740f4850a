import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The backend's Prometheus metrics. Labels are bounded: incident type and severity are enums,
 * routes are the route patterns (never raw paths), results are a fixed set.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly eventsIngested = new Counter({
    name: 'mahavishnu_events_ingested_total',
    help: 'Events stored in the event log, by intake',
    labelNames: ['intake'] as const,
    registers: [this.registry],
  });

  readonly eventsDuplicate = new Counter({
    name: 'mahavishnu_events_duplicate_total',
    help: 'Events whose event_id was already stored',
    labelNames: ['intake'] as const,
    registers: [this.registry],
  });

  readonly eventsRejected = new Counter({
    name: 'mahavishnu_events_rejected_total',
    help: 'Events refused as invalid, by intake and reason',
    labelNames: ['intake', 'reason'] as const,
    registers: [this.registry],
  });

  readonly incidentsCreated = new Counter({
    name: 'mahavishnu_incidents_created_total',
    help: 'Incidents opened, by type and severity',
    labelNames: ['incident_type', 'severity'] as const,
    registers: [this.registry],
  });

  readonly incidentsActive = new Gauge({
    name: 'mahavishnu_incidents_active',
    help: 'Incidents neither resolved nor closed, by type and severity',
    labelNames: ['incident_type', 'severity'] as const,
    registers: [this.registry],
  });

  /** The label sets of `incidentsActive` seen so far: each stays, at 0 when none is active, so `== 0` can be asked. */
  private readonly activeSeen = new Map<string, { incident_type: string; severity: string }>();

  /** Sets the active incidents by type and severity. */
  setActiveIncidents(incidents: Iterable<{ incident_type: string; severity: string }>): void {
    const counts = new Map<string, number>();
    for (const { incident_type, severity } of incidents) {
      const key = `${incident_type}/${severity}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      this.activeSeen.set(key, { incident_type, severity });
    }
    for (const [key, labels] of this.activeSeen) {
      this.incidentsActive.set(labels, counts.get(key) ?? 0);
    }
  }

  readonly detectionLatency = new Histogram({
    name: 'mahavishnu_event_to_incident_seconds',
    help: 'From the arrival of the event that crossed a threshold to the committed incident',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly engineLag = new Gauge({
    name: 'mahavishnu_engine_checkpoint',
    help: 'The last event log position the engine has processed',
    registers: [this.registry],
  });

  readonly engineLeader = new Gauge({
    name: 'mahavishnu_engine_leader',
    help: '1 on the replica that runs the engine, 0 on a standby (engine and incident gauges are the leader\'s)',
    registers: [this.registry],
  });

  readonly windowEvents = new Gauge({
    name: 'mahavishnu_detection_window_events',
    help: 'Events held in detection windows',
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'mahavishnu_http_request_duration_seconds',
    help: 'HTTP request durations by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'mahavishnu_notifications_total',
    help: 'Notification delivery attempts by receiver, channel type, kind and outcome (sent, retry, failed)',
    labelNames: ['receiver', 'channel_type', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly notificationsPending = new Gauge({
    name: 'mahavishnu_notifications_pending',
    help: 'Notifications in the outbox not yet delivered',
    registers: [this.registry],
  });

  readonly actionRuns = new Counter({
    name: 'mahavishnu_action_runs_total',
    help: 'Remediation action runs by action, trigger and result',
    labelNames: ['action_id', 'trigger', 'status'] as const,
    registers: [this.registry],
  });

  /** Backtests running on worker threads, read at each scrape from `running`. */
  countBacktests(running: () => number): void {
    new Gauge({
      name: 'mahavishnu_backtests_running',
      help: 'Backtests (POST /api/v1/rules/{id}/test) running on worker threads now',
      registers: [this.registry],
      collect() {
        this.set(running());
      },
    });
  }

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'mahavishnu_' });
    }
  }
}
