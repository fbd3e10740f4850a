import type { Kysely, Selectable } from 'kysely';
import type { ActionRunRecord } from '../domain/records';
import type { RunStatus, Verification } from '../schema/remediation';
import type { ActionRunsTable, DB } from './db';

/** Runs of remediation actions: intent, progress, result and verification. */
export class ActionStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(run: ActionRunRecord): Promise<void> {
    await this.db.insertInto('action_runs').values(toRow(run)).execute();
  }

  async update(run: ActionRunRecord): Promise<void> {
    await this.db.updateTable('action_runs').set(toRow(run)).where('run_id', '=', run.run_id).execute();
  }

  async get(runId: string): Promise<ActionRunRecord | undefined> {
    const row = await this.db.selectFrom('action_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async byIdempotencyKey(key: string): Promise<ActionRunRecord | undefined> {
    const row = await this.db.selectFrom('action_runs').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async ofIncident(incidentId: string): Promise<ActionRunRecord[]> {
    const rows = await this.db.selectFrom('action_runs').selectAll().where('incident_id', '=', incidentId).orderBy('seq').execute();
    return rows.map(fromRow);
  }

  async withStatus(statuses: RunStatus[]): Promise<ActionRunRecord[]> {
    const rows = await this.db.selectFrom('action_runs').selectAll().where('status', 'in', statuses).orderBy('seq').execute();
    return rows.map(fromRow);
  }

  /** Runs that have a verification still pending. */
  async pendingVerification(): Promise<ActionRunRecord[]> {
    const rows = await this.db.selectFrom('action_runs').selectAll().where('verification', '=', 'pending').orderBy('seq').execute();
    return rows.map(fromRow);
  }

  /** Real (not dry) runs of one action queued since `since`, across all incidents: the rate budget's count. */
  async countSince(actionId: string, since: number): Promise<{ count: number; oldest: number | null }> {
    const rows = await this.db
      .selectFrom('action_runs')
      .select('queued_at')
      .where('action_id', '=', actionId)
      .where('dry_run', '=', 0)
      .where('queued_at', '>=', since)
      .orderBy('queued_at')
      .execute();
    return { count: rows.length, oldest: rows.length ? Number(rows[0].queued_at) : null };
  }

  async markRunning(runId: string, startedAt: number): Promise<boolean> {
    const res = await this.db
      .updateTable('action_runs')
      .set({ status: 'running', started_at: startedAt })
      .where('run_id', '=', runId)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}

function toRow(r: ActionRunRecord): Omit<ActionRunsTable, 'seq'> {
  return {
    ...r,
    dry_run: r.dry_run ? 1 : 0,
    params: JSON.stringify(r.params),
    plan: r.plan === null ? null : JSON.stringify(r.plan),
  };
}

function fromRow(row: Selectable<ActionRunsTable>): ActionRunRecord {
  const { seq: _seq, ...r } = row;
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    ...r,
    trigger: r.trigger as ActionRunRecord['trigger'],
    status: r.status as RunStatus,
    dry_run: r.dry_run === 1,
    params: JSON.parse(r.params) as Record<string, string>,
    plan: r.plan === null ? null : (JSON.parse(r.plan) as Record<string, unknown>),
    queued_at: Number(r.queued_at),
    started_at: num(r.started_at),
    finished_at: num(r.finished_at),
    duration_ms: num(r.duration_ms),
    verification: r.verification as Verification | null,
    verify_until: num(r.verify_until),
  };
}
