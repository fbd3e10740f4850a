import {
  Migrator,
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import { isPostgres } from './db';

/**
 * An auto-increment integer primary key, per dialect: SQLite's `integer primary key autoincrement`
 * (the DDL the landed migrations always produced) or PostgreSQL's identity column.
 */
function idColumn<T extends string>(
  db: Kysely<any>,
  table: CreateTableBuilder<T, any>,
  name: string
): CreateTableBuilder<T, any> {
  if (isPostgres(db)) {
    return table.addColumn(name, 'integer', (c: ColumnDefinitionBuilder) =>
      c.primaryKey().generatedByDefaultAsIdentity()
    );
  }
  return table.addColumn(name, 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement());
}

/**
 * The schema's history. Names are timestamps; a migration that has landed is never edited,
 * a change is a new migration. The same set serves SQLite and PostgreSQL: where the two need other
 * DDL (auto-increment keys; rule ids ordered byte-wise, as SQLite does, whatever the database's
 * collation) it says so per dialect, and the SQLite DDL stays what it always was.
 */
const migrations: Record<string, Migration> = {
  '2026_11_27_0001_core': {
    async up(db: Kysely<any>) {
      await idColumn(db, db.schema.createTable('events'), 'seq')
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text')
        .execute();
      await db.schema.createIndex('events_ts').on('events').column('ts').execute();
      await db.schema.createIndex('events_received_at').on('events').column('received_at').execute();

      await idColumn(db, db.schema.createTable('incidents'), 'seq')
        .addColumn('incident_id', 'text', (c) => c.notNull().unique())
        .addColumn('incident_type', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text')
        .addColumn('group_key', 'text')
        .addColumn('detected_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('acknowledged_at', 'bigint')
        .addColumn('acknowledged_by', 'text')
        .addColumn('resolved_at', 'bigint')
        .addColumn('resolved_by', 'text')
        .addColumn('closed_at', 'bigint')
        .addColumn('closed_by', 'text')
        .addColumn('affected_components', 'text', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('assigned_to', 'text')
        .addColumn('root_cause', 'text')
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('last_event_at', 'bigint')
        .addColumn('recovering_since', 'bigint')
        .addColumn('status_before_recovery', 'text')
        .addColumn('alerts', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('incidents_status').on('incidents').column('status').execute();
      await db.schema.createIndex('incidents_detected_at').on('incidents').column('detected_at').execute();

      await db.schema
        .createTable('incident_events')
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('event_seq', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_events_pk', ['incident_id', 'event_seq'])
        .execute();
      await db.schema.createIndex('incident_events_seq').on('incident_events').column('event_seq').execute();

      await idColumn(db, db.schema.createTable('timeline'), 'id')
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('entry_type', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('data', 'text')
        .execute();
      await db.schema.createIndex('timeline_incident').on('timeline').columns(['incident_id', 'at']).execute();

      await db.schema
        .createTable('rules')
        .addColumn('rule_id', isPostgres(db) ? sql`text collate "C"` : 'text', (c) => c.primaryKey())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('builtin', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('rule_groups')
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('floor_seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('rule_groups_pk', ['rule_id', 'group_key'])
        .execute();

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '2026_11_27_0002_response': {
    async up(db: Kysely<any>) {
      await idColumn(db, db.schema.createTable('action_runs'), 'seq')
        .addColumn('run_id', 'text', (c) => c.notNull().unique())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('action_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text')
        .addColumn('approved_by', 'text')
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('plan', 'text')
        .addColumn('detail', 'text')
        .addColumn('output', 'text')
        .addColumn('queued_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('duration_ms', 'integer')
        .addColumn('verification', 'text')
        .addColumn('verify_until', 'bigint')
        .execute();
      await db.schema.createIndex('action_runs_incident').on('action_runs').columns(['incident_id', 'seq']).execute();
      await db.schema.createIndex('action_runs_action').on('action_runs').columns(['action_id', 'queued_at']).execute();
      await db.schema.createIndex('action_runs_status').on('action_runs').column('status').execute();

      await idColumn(db, db.schema.createTable('outbox'), 'seq')
        .addColumn('delivery_id', 'text', (c) => c.notNull().unique())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('receiver', 'text', (c) => c.notNull())
        .addColumn('channel_type', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('outbox_incident').on('outbox').columns(['incident_id', 'seq']).execute();

      await db.schema
        .createTable('postmortems')
        .addColumn('incident_id', 'text', (c) => c.primaryKey())
        .addColumn('generated_at', 'bigint')
        .addColumn('refreshed_at', 'bigint')
        .addColumn('edits', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '2026_11_27_0003_security': {
    async up(db: Kysely<any>) {
      await idColumn(db, db.schema.createTable('api_keys'), 'seq')
        .addColumn('key_id', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_by', 'text')
        .execute();

      await idColumn(db, db.schema.createTable('audit_log'), 'seq')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('key_name', 'text')
        .addColumn('role', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

      await db.schema
        .createTable('approvals')
        .addColumn('approval_id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('action_id', 'text', (c) => c.notNull())
        .addColumn('approved_by', 'text', (c) => c.notNull())
        .addColumn('role', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_by_run', 'text')
        .execute();
      await db.schema.createIndex('approvals_action').on('approvals').columns(['incident_id', 'action_id']).execute();
    },
  },
  '2026_11_27_0004_replicas': {
    async up(db: Kysely<any>) {
      // Which replica is delivering a notification, and until when its claim holds (then another may).
      await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('claimed_until', 'bigint').execute();
      await db.schema.createIndex('outbox_queue').on('outbox').columns(['incident_id', 'receiver', 'seq']).execute();
      // The engine's leader: who holds it, in which term, until when (the lease), and where it answers.
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('term', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('address', 'text')
        .execute();
    },
  },
  '2026_12_03_0001_crossings': {
    async up(db: Kysely<any>) {
      // Where a rule group's active incident first crossed its threshold (event time): a late event
      // joins it, or moves the crossing back, by this; null while the group has no active incident.
      await db.schema.alterTable('rule_groups').addColumn('crossed_at', 'bigint').execute();
    },
  },
  '2026_12_08_0101_proxy_keys': {
    async up(db: Kysely<any>) {
      // Only a key marked as Grafana's proxy key may name the person (X-Grafana-User); existing keys are not.
      await db.schema.alterTable('api_keys').addColumn('grafana_proxy', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '2026_12_08_0102_audit_counts': {
    async up(db: Kysely<any>) {
      // Repeated refusals of callers without a key are one entry: how many, until when, from where, with what client.
      await db.schema.alterTable('audit_log').addColumn('count', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('audit_log').addColumn('last_at', 'bigint').execute();
      await db.schema.alterTable('audit_log').addColumn('remote_addr', 'text').execute();
      await db.schema.alterTable('audit_log').addColumn('user_agent', 'text').execute();
    },
  },
  '2026_12_08_0201_webhook_signatures': {
    async up(db: Kysely<any>) {
      // Signatures of Grafana webhooks taken, shared by every replica and kept across restarts, so a
      // replay within the timestamp's tolerance is refused wherever it arrives.
      await db.schema
        .createTable('webhook_signatures')
        .addColumn('signature', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_signatures_expires_at').on('webhook_signatures').column('expires_at').execute();
    },
  },
  '2026_12_08_0202_outbox_last_attempt': {
    async up(db: Kysely<any>) {
      // When a notification's latest attempt started (recorded with its count before it is sent).
      await db.schema.alterTable('outbox').addColumn('last_attempt_at', 'bigint').execute();
    },
  },
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<void> {
  // On PostgreSQL the migration tables are looked up in the store's schema: without it Kysely
  // would take another schema's kysely_migration table for this one's.
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrations(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`);
  }
}
