import type { Kysely, Selectable } from 'kysely';
import type { ApprovalsTable, DB } from './db';

export type ApprovalRow = Selectable<ApprovalsTable>;

/** Approvals of risky actions: one action of one incident, until they expire or a run uses them. */
export class ApprovalStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: ApprovalRow): Promise<void> {
    await this.db.insertInto('approvals').values(row).execute();
  }

  /** The unused approval of this action of this incident that expires last, if one stands at `now`. */
  async standing(incidentId: string, actionId: string, now: number): Promise<ApprovalRow | undefined> {
    const row = await this.db
      .selectFrom('approvals')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('action_id', '=', actionId)
      .where('used_by_run', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('expires_at', 'desc')
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Marks the approval used by `runId`; false if another run took it first. */
  async use(approvalId: string, runId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('approvals')
      .set({ used_by_run: runId })
      .where('approval_id', '=', approvalId)
      .where('used_by_run', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async ofIncident(incidentId: string): Promise<ApprovalRow[]> {
    const rows = await this.db.selectFrom('approvals').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').execute();
    return rows.map(fromRow);
  }
}

function fromRow(r: ApprovalRow): ApprovalRow {
  return { ...r, created_at: Number(r.created_at), expires_at: Number(r.expires_at) };
}
