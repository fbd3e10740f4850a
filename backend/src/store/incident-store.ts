import { sql, type Kysely } from 'kysely';
import type { IncidentRecord, LifecycleEntry } from '../domain/records';
import type { IncidentStatus, IncidentType, Severity } from '../schema/enums';
import type { DB } from './db';
import { fromIncidentRow, toIncidentRow } from './incident-columns';

export interface IncidentFilter {
  statuses?: IncidentStatus[];
  severity?: Severity;
  type?: IncidentType;
  component?: string;
  since?: number;
  limit: number;
}

/** Incidents, their timelines and the events they hold. */
export class IncidentStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(inc: IncidentRecord): Promise<void> {
    await this.db.insertInto('incidents').values(toIncidentRow(inc)).execute();
  }

  async update(inc: IncidentRecord): Promise<void> {
    await this.db.updateTable('incidents').set(toIncidentRow(inc)).where('incident_id', '=', inc.incident_id).execute();
  }

  async get(id: string): Promise<IncidentRecord | undefined> {
    const row = await this.db.selectFrom('incidents').selectAll().where('incident_id', '=', id).executeTakeFirst();
    return row ? fromIncidentRow(row) : undefined;
  }

  async list(f: IncidentFilter): Promise<IncidentRecord[]> {
    let q = this.db.selectFrom('incidents').selectAll();
    if (f.statuses) {
      q = q.where('status', 'in', f.statuses);
    }
    if (f.severity) {
      q = q.where('severity', '=', f.severity);
    }
    if (f.type) {
      q = q.where('incident_type', '=', f.type);
    }
    if (f.since !== undefined) {
      q = q.where('detected_at', '>=', f.since);
    }
    if (f.component) {
      // affected_components is a JSON array of strings; match an element exactly.
      const pattern = `%${JSON.stringify(f.component).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where(sql<boolean>`affected_components like ${pattern} escape '\\'`);
    }
    const rows = await q.orderBy('detected_at', 'desc').orderBy('seq', 'desc').limit(f.limit).execute();
    const out = rows.map(fromIncidentRow);
    return f.component ? out.filter((i) => i.affected_components.includes(f.component!)) : out;
  }

  /** Incidents detected since `since` (all when undefined), for statistics. */
  async allSince(since: number | undefined): Promise<IncidentRecord[]> {
    let q = this.db.selectFrom('incidents').selectAll();
    if (since !== undefined) {
      q = q.where('detected_at', '>=', since);
    }
    return (await q.execute()).map(fromIncidentRow);
  }

  async active(): Promise<IncidentRecord[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('status', 'not in', ['resolved', 'closed'])
      .orderBy('seq')
      .execute();
    return rows.map(fromIncidentRow);
  }

  async maxSeq(): Promise<number> {
    const row = await this.db.selectFrom('incidents').select(sql<number | null>`max(seq)`.as('m')).executeTakeFirstOrThrow();
    return Number(row.m ?? 0);
  }

  async attachEvents(incidentId: string, eventSeqs: number[]): Promise<void> {
    for (let i = 0; i < eventSeqs.length; i += 5000) {
      const chunk = eventSeqs.slice(i, i + 5000);
      await this.db
        .insertInto('incident_events')
        .values(chunk.map((event_seq) => ({ incident_id: incidentId, event_seq })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  /** Correlation ids held by the active incidents, for rebuilding the correlator's index. */
  async activeCorrelations(): Promise<Array<{ incident_id: string; correlation_id: string }>> {
    return this.db
      .selectFrom('incident_events')
      .innerJoin('events', 'events.seq', 'incident_events.event_seq')
      .innerJoin('incidents', 'incidents.incident_id', 'incident_events.incident_id')
      .select(['incident_events.incident_id as incident_id', 'events.correlation_id as correlation_id'])
      .where('events.correlation_id', 'is not', null)
      .where('incidents.status', 'not in', ['resolved', 'closed'])
      .distinct()
      .execute() as Promise<Array<{ incident_id: string; correlation_id: string }>>;
  }

  async addTimeline(entries: LifecycleEntry[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    await this.db
      .insertInto('timeline')
      .values(
        entries.map((e) => ({
          incident_id: e.incident_id,
          at: e.at,
          entry_type: e.entry_type,
          message: e.message,
          actor: e.actor,
          data: e.data ? JSON.stringify(e.data) : null,
        }))
      )
      .execute();
  }

  async timeline(incidentId: string): Promise<LifecycleEntry[]> {
    const rows = await this.db
      .selectFrom('timeline')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      incident_id: r.incident_id,
      at: Number(r.at),
      entry_type: r.entry_type,
      message: r.message,
      actor: r.actor,
      data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
    }));
  }
}
