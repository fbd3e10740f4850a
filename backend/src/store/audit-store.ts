import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditLogTable, DB } from './db';

export type AuditRow = Selectable<AuditLogTable>;

/** Rows one delete statement removes at most, so that pruning a long backlog never holds the store for long. */
const PRUNE_BATCH = 5000;

/** The audit log: every mutation, with who, what and when; appended, counted up for repeated refusals, pruned by age and count. */
export class AuditStore {
  constructor(private readonly db: Kysely<DB>) {}

  async append(entry: Insertable<AuditLogTable>): Promise<void> {
    await this.db.insertInto('audit_log').values(entry).execute();
  }

  /** Appends an entry that may be counted up later (`setCount`); resolves with its seq. */
  async appendCounted(entry: Insertable<AuditLogTable>): Promise<number> {
    const row = await this.db.insertInto('audit_log').values(entry).returning('seq').executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  /** How many requests an entry stands for, and when the last of them came. */
  async setCount(seq: number, count: number, lastAt: number): Promise<void> {
    await this.db.updateTable('audit_log').set({ count, last_at: lastAt }).where('seq', '=', seq).execute();
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
    return rows.map((r) => ({ ...r, at: Number(r.at), count: Number(r.count), last_at: r.last_at === null ? null : Number(r.last_at) }));
  }

  /** Deletes the entries written before `before`; resolves with how many. */
  pruneBefore(before: number): Promise<number> {
    return this.deleteInBatches({ atBefore: before });
  }

  /** Deletes all but the newest `keep` entries; resolves with how many. */
  async pruneBeyond(keep: number): Promise<number> {
    const edge = await this.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').offset(keep).limit(1).executeTakeFirst();
    return edge ? this.deleteInBatches({ seqAtMost: Number(edge.seq) }) : 0;
  }

  private async deleteInBatches(where: { atBefore?: number; seqAtMost?: number }): Promise<number> {
    let total = 0;
    for (;;) {
      let pick = this.db.selectFrom('audit_log').select('seq');
      if (where.atBefore !== undefined) {
        pick = pick.where('at', '<', where.atBefore);
      }
      if (where.seqAtMost !== undefined) {
        pick = pick.where('seq', '<=', where.seqAtMost);
      }
      const res = await this.db.deleteFrom('audit_log').where('seq', 'in', pick.orderBy('seq').limit(PRUNE_BATCH)).executeTakeFirst();
      const n = Number(res.numDeletedRows ?? 0);
      total += n;
      if (n < PRUNE_BATCH) {
        return total;
      }
    }
  }
}
