import type { Kysely } from 'kysely';
import { PostmortemEditsSchema, type PostmortemEdits } from '../schema/postmortem';
import type { DB } from './db';

/** A post-mortem's stored part: when it was generated and refreshed, and what people added. */
export interface PostmortemRow {
  incident_id: string;
  generated_at: number | null;
  refreshed_at: number | null;
  edits: PostmortemEdits;
}

/** Post-mortems: the rest of a post-mortem is rendered from the data whenever it is read. */
export class PostmortemStore {
  constructor(private readonly db: Kysely<DB>) {}

  async get(incidentId: string): Promise<PostmortemRow> {
    const row = await this.db.selectFrom('postmortems').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
    if (!row) {
      return { incident_id: incidentId, generated_at: null, refreshed_at: null, edits: PostmortemEditsSchema.parse({}) };
    }
    const num = (v: number | null) => (v === null ? null : Number(v));
    return {
      incident_id: incidentId,
      generated_at: num(row.generated_at),
      refreshed_at: num(row.refreshed_at),
      edits: PostmortemEditsSchema.parse(JSON.parse(row.edits)),
    };
  }

  async put(r: PostmortemRow): Promise<void> {
    const values = { incident_id: r.incident_id, generated_at: r.generated_at, refreshed_at: r.refreshed_at, edits: JSON.stringify(r.edits) };
    await this.db
      .insertInto('postmortems')
      .values(values)
      .onConflict((oc) => oc.column('incident_id').doUpdateSet({ generated_at: values.generated_at, refreshed_at: values.refreshed_at, edits: values.edits }))
      .execute();
  }
}
