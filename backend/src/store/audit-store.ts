import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditLogTable, DB } from './db';

export type AuditRow = Selectable<AuditLogTable>;

/** The audit log: every mutation, with who, what and when; append only. */
export class AuditStore {
  constructor(private readonly db: Kysely<DB>) {}

  async append(entry: Insertable<AuditLogTable>): Promise<void> {
    await this.db.insertInto('audit_log').values(entry).execute();
  }

  /** Newest first. */
  async list(q: { since?: number; actor?: string; target?: string; limit: number }): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (q.since !== undefined) {
      query = query.where('at', '>=', q.since);
    }
    if (q.actor !== undefined) {
      query = query.where('actor', '=', q.actor);
    }
    if (q.target !== undefined) {
      query = query.where('target', '=', q.target);
    }
    const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({ ...r, at: Number(r.at) }));
  }
}
