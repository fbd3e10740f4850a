import { sql, type Kysely } from 'kysely';
import type { IncidentRecord, LifecycleEntry } from '../domain/records';
import type { IncidentStatus, IncidentType, Severity } from '../schema/enums';
import type { DB, IncidentsTable } from './db';

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
    await this.db.insertInto('incidents').values(toRow(inc)).execute();
  }

  async update(inc: IncidentRecord): Promise<void> {
    await this.db.updateTable('incidents').set(toRow(inc)).where('incident_id', '=', inc.incident_id).execute();
  }

  async get(id: string): Promise<IncidentRecord | undefined> {
    const row = await this.db.selectFrom('incidents').selectAll().where('incident_id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
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
    const out = rows.map(fromRow);
    return f.component ? out.filter((i) => i.affected_components.includes(f.component!)) : out;
  }

  /** Incidents detected since `since` (all when undefined), for statistics. */
  async allSince(since: number | undefined): Promise<IncidentRecord[]> {
    let q = this.db.selectFrom('incidents').selectAll();
    if (since !== undefined) {
      q = q.where('detected_at', '>=', since);
    }
    return (await q.execute()).map(fromRow);
  }

  async active(): Promise<IncidentRecord[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('status', 'not in', ['resolved', 'closed'])
      .orderBy('seq')
      .execute();
    return rows.map(fromRow);
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

function toRow(i: IncidentRecord): Omit<IncidentsTable, 'seq'> {
  return {
    incident_id: i.incident_id,
    incident_type: i.incident_type,
    severity: i.severity,
    status: i.status,
    title: i.title,
    description: i.description,
    rule_id: i.rule_id,
    group_key: i.group_key,
    detected_at: i.detected_at,
    started_at: i.started_at,
    acknowledged_at: i.acknowledged_at,
    acknowledged_by: i.acknowledged_by,
    resolved_at: i.resolved_at,
    resolved_by: i.resolved_by,
    closed_at: i.closed_at,
    closed_by: i.closed_by,
    affected_components: JSON.stringify(i.affected_components),
    event_count: i.event_count,
    assigned_to: i.assigned_to,
    root_cause: i.root_cause ? JSON.stringify(i.root_cause) : null,
    notes: JSON.stringify(i.notes),
    last_event_at: i.last_event_at,
    recovering_since: i.recovering_since,
    status_before_recovery: i.status_before_recovery,
    alerts: JSON.stringify(i.alerts),
    updated_at: i.updated_at,
  };
}

type Row = Omit<IncidentsTable, 'seq'> & { seq: number };

function num(v: number | null): number | null {
  return v === null ? null : Number(v);
}

function fromRow(r: Row): IncidentRecord {
  return {
    incident_id: r.incident_id,
    incident_type: r.incident_type as IncidentType,
    severity: r.severity as Severity,
    status: r.status as IncidentStatus,
    title: r.title,
    description: r.description,
    rule_id: r.rule_id,
    group_key: r.group_key,
    detected_at: Number(r.detected_at),
    started_at: Number(r.started_at),
    acknowledged_at: num(r.acknowledged_at),
    acknowledged_by: r.acknowledged_by,
    resolved_at: num(r.resolved_at),
    resolved_by: r.resolved_by,
    closed_at: num(r.closed_at),
    closed_by: r.closed_by,
    affected_components: JSON.parse(r.affected_components) as string[],
    event_count: Number(r.event_count),
    assigned_to: r.assigned_to,
    root_cause: r.root_cause ? JSON.parse(r.root_cause) : null,
    notes: JSON.parse(r.notes),
    last_event_at: num(r.last_event_at),
    recovering_since: num(r.recovering_since),
    status_before_recovery: r.status_before_recovery as IncidentStatus | null,
    alerts: JSON.parse(r.alerts),
    updated_at: Number(r.updated_at),
  };
}
