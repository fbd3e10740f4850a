import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { IncidentTypeSchema } from '../schema/enums';
import { NotificationConfigSchema } from '../notification/config';
import { RemediationConfigSchema } from '../remediation/config';
import { SecurityConfigSchema } from '../security/config';
import { DetectionRulePatchSchema } from '../schema/rules';

/**
 * The backend's configuration. Every default lives here (and in the README's table);
 * a YAML file, then the environment, then flags override them.
 */
export const ConfigSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Largest request body accepted; larger is 413. */
        body_limit_bytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(10 * 1024 * 1024),
        /** Base URL of Grafana, for links to incidents in notifications. */
        public_url: z.string().url().nullable().default(null),
        /**
         * How far the JavaScript heap may grow past what is live before a full collection, in percent
         * (V8's --heap-growing-percent; like Go's GOGC). 0 leaves it to V8, which lets it reach 4x.
         */
        heap_growth_percent: z.number().int().min(0).max(400).default(100),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        kind: z.enum(['sqlite', 'postgres']).default('sqlite'),
        data_dir: z.string().min(1).default('./data'),
        /** `normal` survives a process crash; `full` also survives power loss. */
        sqlite_synchronous: z.enum(['normal', 'full']).default('normal'),
        /** PostgreSQL only, and required there: `postgres://user:pass@host:5432/db` (env MAHAVISHNU_STORE_URL). */
        url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
        /** PostgreSQL only: the schema the tables live in, created when missing (default `public`). */
        schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').optional(),
        /** PostgreSQL only: most pooled connections. */
        pool_max: z.number().int().min(1).max(100).default(10),
        /** PostgreSQL only: how long connecting (or waiting for a pooled connection) may take before the store counts as unavailable. */
        connect_timeout_ms: z.number().int().min(100).max(120_000).default(5000),
        /** PostgreSQL only: how long a query may go unanswered before its connection is given up (a silent network partition); 0: no limit. */
        query_timeout_ms: z.number().int().min(0).max(3_600_000).default(60_000),
        /** Sent as `Retry-After` with a 503 (store unavailable) or 507 (storage full). */
        retry_after_seconds: z.number().int().min(1).max(3600).default(2),
        /** While the store is faulty, how often a small write tries whether it works again. */
        health_probe_ms: z.number().int().min(50).max(60_000).default(500),
      })
      .strict()
      .refine((s) => s.kind !== 'postgres' || s.url !== undefined, { message: 'store.url is required when store.kind is postgres', path: ['url'] })
      .prefault({}),
    cluster: z
      .object({
        /** This replica's name in the leases table and logs (default: host name, process id and a random suffix). */
        replica_id: z.string().min(1).max(200).optional(),
        /**
         * PostgreSQL only: where the other replicas reach this one when it leads the engine (they forward
         * responses, rules and keys to it). Default `http://<host>:<port>` of the listening address.
         */
        advertise_url: z.string().url().optional(),
        /** PostgreSQL only: how long a leader's lease lasts without renewal; a standby takes over after it. */
        lease_seconds: z.number().min(1).max(300).default(5),
        /** PostgreSQL only: how often the leader renews its lease and standbys try to take it. */
        heartbeat_ms: z.number().int().min(50).max(60_000).default(500),
      })
      .strict()
      .refine((c) => c.heartbeat_ms * 2 <= c.lease_seconds * 1000, {
        message: 'cluster.heartbeat_ms must be at most half of cluster.lease_seconds',
        path: ['heartbeat_ms'],
      })
      .prefault({}),
    ingest: z
      .object({
        /** Most events in one `POST /api/v1/events`. */
        max_batch: z.number().int().min(1).max(100_000).default(1000),
        /** Most events written in one group commit. */
        max_commit_rows: z.number().int().min(1).max(100_000).default(5000),
      })
      .strict()
      .prefault({}),
    detection: z
      .object({
        /** Event history kept for detection windows. */
        events_retention_seconds: z.number().int().min(60).max(30 * 24 * 3600).default(3600),
        /** Most events one rule group keeps in memory. */
        max_events: z.number().int().min(10).max(10_000_000).default(100_000),
        /** How long an api_rate_limit, cache_failure or resource_leak incident lasts before it is "prolonged". */
        prolonged_seconds: z.number().int().min(1).default(1800),
        /** Alertname to incident type, for alerts without an `incident_type` label. */
        alertname_types: z.record(z.string(), IncidentTypeSchema).default({}),
        /** Changes to rules applied at start (by rule id), e.g. to tune a built-in threshold. */
        rules: z.record(z.string(), DetectionRulePatchSchema).default({}),
        /** Stored events older than this that no incident holds are pruned from the log. */
        event_log_retention_seconds: z.number().int().min(3600).default(7 * 24 * 3600),
        /** Most backtests (`POST /api/v1/rules/{id}/test`) running at once, each on its own worker thread. */
        backtest_workers: z.number().int().min(1).max(64).default(Math.max(1, availableParallelism() - 1)),
        /** Most backtests waiting for a worker; past that a backtest is answered 503 with Retry-After. */
        backtest_queue: z.number().int().min(0).max(1000).default(4),
        /** How long one backtest may run before its worker is stopped (413: too large). */
        backtest_timeout_seconds: z.number().min(0.1).max(3600).default(60),
      })
      .strict()
      .prefault({}),
    /** Actions bound to executors, auto-remediation, verification. */
    remediation: RemediationConfigSchema.prefault({}),
    /** Receivers, routes, retries. */
    notification: NotificationConfigSchema.prefault({}),
    /** API keys and roles, webhook authenticity, where the backend may connect, input limits. */
    security: SecurityConfigSchema.prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
