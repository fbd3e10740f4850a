import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  Kysely,
  PostgresAdapter,
  SqliteDialect,
  sql,
  type Generated,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import { Pool, types as pgTypes, type PoolClient } from 'pg';
import { guardDialect } from './guard';
import type { IncidentRow } from './incident-columns';
import { SchemaPostgresDialect } from './pg-schema-dialect';
import { withStatementCache } from './statement-cache';

/** The stored rows. Times are epoch milliseconds; JSON columns are text. */
export interface EventsTable {
  seq: Generated<number>;
  event_id: string;
  ts: number;
  received_at: number;
  event_type: string;
  source: string;
  severity: string;
  message: string;
  metadata: string;
  correlation_id: string | null;
}

/** The incidents table: its columns are the incident record's (incident-columns.ts), and `seq`. */
export type IncidentsTable = IncidentRow & { seq: Generated<number> };

export interface IncidentEventsTable {
  incident_id: string;
  event_seq: number;
}

export interface TimelineTable {
  id: Generated<number>;
  incident_id: string;
  at: number;
  entry_type: string;
  message: string;
  actor: string | null;
  data: string | null;
}

export interface RulesTable {
  rule_id: string;
  definition: string;
  builtin: number;
  updated_at: number;
}

export interface RuleGroupsTable {
  rule_id: string;
  group_key: string;
  floor_seq: number;
  crossed_at: number | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** One run of a remediation action; its intent is written before it starts. */
export interface ActionRunsTable {
  seq: Generated<number>;
  run_id: string;
  incident_id: string;
  action_id: string;
  idempotency_key: string;
  trigger: string;
  dry_run: number;
  status: string;
  requested_by: string | null;
  approved_by: string | null;
  params: string;
  plan: string | null;
  detail: string | null;
  output: string | null;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  verification: string | null;
  verify_until: number | null;
}

/** A notification for one receiver, written in the transaction of the change that caused it. */
export interface OutboxTable {
  seq: Generated<number>;
  delivery_id: string;
  incident_id: string;
  receiver: string;
  channel_type: string;
  kind: string;
  message: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  next_attempt_at: number | null;
  sent_at: number | null;
  /** The replica delivering the row, and until when its claim holds. */
  claimed_by: string | null;
  claimed_until: number | null;
  /** When the latest attempt started: recorded before the message goes out, so a crash mid-send still counts it. */
  last_attempt_at: number | null;
}

/** What people added to a post-mortem, and when it was generated and refreshed. */
export interface PostmortemsTable {
  incident_id: string;
  generated_at: number | null;
  refreshed_at: number | null;
  edits: string;
}

export interface ApiKeysTable {
  seq: Generated<number>;
  key_id: string;
  name: string;
  role: string;
  /** SHA-256 of the key, hex: the key itself is shown once, at creation, and never stored. */
  hash: string;
  /** The key's first characters, to tell keys apart in lists. */
  prefix: string;
  created_at: number;
  created_by: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
  /** 1 for a key Grafana's proxy routes send: only such a key may name the person (`X-Grafana-User`). */
  grafana_proxy: number;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  actor: string | null;
  key_name: string | null;
  role: string | null;
  method: string;
  route: string;
  path: string;
  target: string | null;
  status: number;
  detail: string | null;
  /** How many requests the entry stands for: repeated refusals without a key are counted in one entry. */
  count: Generated<number>;
  /** The last of those requests; null for an entry of one. */
  last_at: number | null;
  remote_addr: string | null;
  user_agent: string | null;
}

export interface ApprovalsTable {
  approval_id: string;
  incident_id: string;
  action_id: string;
  approved_by: string;
  role: string | null;
  created_at: number;
  expires_at: number;
  used_by_run: string | null;
}

/** A signed webhook already taken, kept while its timestamp is within the tolerance: a replay is refused by it. */
export interface WebhookSignaturesTable {
  signature: string;
  expires_at: number;
}

/** A lease held by one replica: `engine` is the engine's leader. */
export interface LeasesTable {
  name: string;
  holder: string;
  /** Bumped at each election: a commit made under an older term is refused. */
  term: number;
  expires_at: number;
  /** Where the holder answers API calls that need the engine. */
  address: string | null;
}

export interface DB {
  leases: LeasesTable;
  webhook_signatures: WebhookSignaturesTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  approvals: ApprovalsTable;
  action_runs: ActionRunsTable;
  outbox: OutboxTable;
  postmortems: PostmortemsTable;
  events: EventsTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  timeline: TimelineTable;
  rules: RulesTable;
  rule_groups: RuleGroupsTable;
  meta: MetaTable;
}

export interface SqliteOptions {
  dataDir: string;
  synchronous: 'normal' | 'full';
  /** Every error of the database, before it is thrown: returns what to throw instead (guard.ts). */
  fault?: (err: unknown) => unknown;
}

/** Opens (and creates) the SQLite file in WAL mode behind Kysely. */
export function openSqlite(opts: SqliteOptions): { db: Kysely<DB>; file: string } {
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, 'mahavishnu.sqlite');
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${opts.synchronous.toUpperCase()}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const dialect = new SqliteDialect({ database: withStatementCache(sqlite) });
  const db = new Kysely<DB>({
    dialect: guardDialect(dialect, { fault: opts.fault ?? ((err) => err), inTransaction: () => sqlite.inTransaction }),
  });
  return { db, file };
}

export interface PostgresOptions {
  /** `postgres://user:pass@host:port/db`. */
  url: string;
  /** The schema the tables live in (created when missing); `public` when not given. */
  schema?: string;
  /** Most pooled connections. */
  poolMax?: number;
  /** Told of a pooled connection that failed, idle or in use (the pool replaces it). */
  onPoolError?: (err: Error) => void;
  /** How long connecting (or waiting for a pooled connection) may take before it is a fault. */
  connectTimeoutMs?: number;
  /** How long a query may go without an answer before its connection is given up (0: no limit). */
  queryTimeoutMs?: number;
  /** The sessions' `application_name` (operators and tests find this backend's sessions by it). */
  applicationName?: string;
  /** Every error of the database, before it is thrown: returns what to throw instead (guard.ts). */
  fault?: (err: unknown) => unknown;
}

/** A schema name that is safe to put in DDL and in `search_path` unquoted. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const INT8 = 20;
const NUMERIC = 1700;

/**
 * `bigint` (times in epoch ms, `count(*)`) and `numeric` come back from `pg` as strings; the store
 * reads numbers, as on SQLite. Epoch milliseconds and row counts are well inside 2^53.
 */
export const pgTypeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if ((oid === INT8 || oid === NUMERIC) && format !== 'binary') {
      return (v: string) => (v === null ? null : Number(v));
    }
    return pgTypes.getTypeParser(oid, format as 'text');
  }) as typeof pgTypes.getTypeParser,
};

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can): a string parameter with one would fail the
 * query (a 500 for a filter or an event with a NUL in it). It is sent with U+FFFD in its place, as
 * UTF-8 does with a lone surrogate; no stored text holds a NUL, so a filter with one still matches
 * what it matched before. Known difference: `a<NUL>b` and `a<U+FFFD>b` are the same text here.
 */
function withoutNul(pool: Pool, queryTimeoutMs = 0): PostgresPool {
  const text = (p: unknown) => (typeof p === 'string' && p.includes('\u0000') ? p.replace(/\u0000/g, '\ufffd') : p);
  // Arrays too: the event insert sends each column as one (`unnest`).
  const clean = (params: readonly unknown[] | undefined) => params?.map((p) => (Array.isArray(p) ? p.map(text) : text(p)));
  return {
    connect: async (): Promise<PostgresPoolClient> => {
      const client = await pool.connect();
      return {
        // A cursor (Kysely's stream) is passed through as it is.
        query: ((text: unknown, params?: readonly unknown[]) =>
          typeof text === 'string'
            ? watched(client, client.query(text, clean(params) as unknown[]), queryTimeoutMs)
            : client.query(text as never)) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * A query that has not answered in `ms` is on a connection that neither answers nor breaks (a
 * silent network partition): the connection is closed, so the query fails as a lost connection (a
 * store fault, 503) and the pool drops it, instead of holding its request, and every request queued
 * behind it, until TCP gives up.
 */
function watched<T>(client: PoolClient, query: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) {
    return query;
  }
  const timer = setTimeout(() => {
    const stream = (client as unknown as { connection?: { stream?: { destroy(err?: Error): void } } }).connection?.stream;
    stream?.destroy(Object.assign(new Error(`no answer from PostgreSQL in ${ms} ms`), { code: 'ETIMEDOUT' }));
  }, ms);
  const clear = () => clearTimeout(timer);
  query.then(clear, clear);
  return query;
}

/**
 * Opens a pool on PostgreSQL behind Kysely, with every connection's `search_path` set to the
 * schema (created when missing). The engine stays the single writer; the pool serves reads.
 */
export async function openPostgres(opts: PostgresOptions): Promise<{ db: Kysely<DB>; schema: string }> {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`store.schema must be a lower-case SQL identifier, not ${JSON.stringify(schema)}`);
  }
  const pool = new Pool({
    connectionString: opts.url,
    max: opts.poolMax ?? 10,
    options: `-c search_path=${schema}`,
    types: pgTypeParsers,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 0,
    keepAlive: true,
    application_name: (opts.applicationName ?? `mahavishnu/${schema}`).slice(0, 63),
  });
  // A connection that drops must not take the process down, whether idle in the pool or checked out
  // (inside a transaction): `pg` emits 'error' on the client, and the pool listens only while it is
  // idle. Its query fails (a store fault, guard.ts) and the pool drops it when it is released.
  pool.on('error', (err) => opts.onPoolError?.(err));
  pool.on('connect', (client) => client.on('error', (err) => opts.onPoolError?.(err)));
  // Kysely's introspection (its Migrator's) looks at this schema only: see pg-schema-dialect.ts.
  const dialect = new SchemaPostgresDialect({ pool: withoutNul(pool, opts.queryTimeoutMs) }, schema);
  const db = new Kysely<DB>({ dialect: guardDialect(dialect, { fault: opts.fault ?? ((err) => err) }) });
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (err) {
    // `if not exists` still fails when another session (a replica starting at the same time)
    // creates the schema meanwhile: that is a success too.
    const created = await sql`select 1 from pg_catalog.pg_namespace where nspname = ${schema}`
      .execute(db)
      .then((r) => r.rows.length > 0, () => false);
    if (!created) {
      await db.destroy();
      throw err;
    }
  }
  return { db, schema };
}

/** The configured store: SQLite in `data_dir`, or PostgreSQL at `url` in `schema`. */
export async function openStoreDb(
  cfg: {
    kind: 'sqlite' | 'postgres';
    data_dir: string;
    sqlite_synchronous: 'normal' | 'full';
    url?: string;
    schema?: string;
    pool_max?: number;
    connect_timeout_ms?: number;
    query_timeout_ms?: number;
  },
  guard: { onPoolError?: (err: Error) => void; fault?: (err: unknown) => unknown; applicationName?: string } = {}
): Promise<{ db: Kysely<DB>; schema?: string; target: string }> {
  if (cfg.kind === 'postgres') {
    if (!cfg.url) {
      throw new Error('store.url is required when store.kind is postgres');
    }
    const opened = await openPostgres({
      url: cfg.url,
      schema: cfg.schema,
      poolMax: cfg.pool_max,
      connectTimeoutMs: cfg.connect_timeout_ms,
      queryTimeoutMs: cfg.query_timeout_ms,
      ...guard,
    });
    return { ...opened, target: postgresTarget(cfg.url, opened.schema) };
  }
  const { db, file } = openSqlite({ dataDir: cfg.data_dir, synchronous: cfg.sqlite_synchronous, fault: guard.fault });
  return { db, target: file };
}

/** PostgreSQL's host, port, database and schema, for the log: never the user or password. */
export function postgresTarget(url: string, schema: string): string {
  try {
    const u = new URL(url);
    return `postgres ${u.host}${u.pathname} schema ${schema}`;
  } catch {
    return `postgres schema ${schema}`;
  }
}

/** Whether the database behind `db` is PostgreSQL (else SQLite). */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
