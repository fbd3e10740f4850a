import type { Kysely } from 'kysely';
import type { DetectionRule } from '../schema/rules';
import type { DB } from './db';

/** Detection rules (built-in ones as the user tuned them, and custom ones) and per-group floors. */
export class RuleStore {
  constructor(private readonly db: Kysely<DB>) {}

  async all(): Promise<DetectionRule[]> {
    const rows = await this.db.selectFrom('rules').selectAll().orderBy('builtin', 'desc').orderBy('rule_id').execute();
    return rows.map((r) => JSON.parse(r.definition) as DetectionRule);
  }

  async put(rule: DetectionRule, now: number): Promise<void> {
    const row = { rule_id: rule.rule_id, definition: JSON.stringify(rule), builtin: rule.builtin ? 1 : 0, updated_at: now };
    await this.db
      .insertInto('rules')
      .values(row)
      .onConflict((oc) => oc.column('rule_id').doUpdateSet({ definition: row.definition, updated_at: now }))
      .execute();
  }

  async delete(ruleId: string): Promise<void> {
    await this.db.deleteFrom('rules').where('rule_id', '=', ruleId).execute();
    await this.db.deleteFrom('rule_groups').where('rule_id', '=', ruleId).execute();
  }

  /** The log position up to which a rule group's events are spent (held by a resolved incident). */
  async floors(): Promise<Array<{ rule_id: string; group_key: string; floor_seq: number }>> {
    const rows = await this.db.selectFrom('rule_groups').selectAll().execute();
    return rows.map((r) => ({ ...r, floor_seq: Number(r.floor_seq) }));
  }

  async setFloor(ruleId: string, groupKey: string, floorSeq: number): Promise<void> {
    await this.db
      .insertInto('rule_groups')
      .values({ rule_id: ruleId, group_key: groupKey, floor_seq: floorSeq })
      .onConflict((oc) => oc.columns(['rule_id', 'group_key']).doUpdateSet({ floor_seq: floorSeq }))
      .execute();
  }
}
