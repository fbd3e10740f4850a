import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { NewEvent, StoredEvent } from '../domain/records';
import type { EventSeverity } from '../schema/enums';
import { isPostgres, type DB } from './db';

/** SQLite allows 32766 bound values a statement; 10 columns a row leaves room for this many. */
const ROWS_PER_INSERT = 2000;
/** Seqs bound in one `IN` list, well under either database's limit of bound values. */
const SEQS_PER_SELECT = 5000;

export interface EventQuery {
  since?: number;
  source?: string;
  event_type?: string;
  limit: number;
}

/** The durable, ordered event log. */
export class EventLog {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Appends events, skipping any whose `event_id` is already stored (or repeated in the batch).
   * Returns the events that were new, with their `seq`, in log order.
   */
  async append(events: NewEvent[]): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    const postgres = isPostgres(this.db);
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const chunk = events.length <= ROWS_PER_INSERT ? events : events.slice(i, i + ROWS_PER_INSERT);
      const { rows } = await this.db.executeQuery<{ seq: number | string; event_id: string }>(insertEvents(chunk, postgres));
      const byId = new Map<string, NewEvent>();
      for (const e of chunk) {
        if (!byId.has(e.event_id)) {
          byId.set(e.event_id, e);
        }
      }
      for (const row of rows) {
        out.push({ ...byId.get(row.event_id)!, seq: Number(row.seq) });
      }
    }
    out.sort((a, b) => a.seq - b.seq);
    return out;
  }

  /** Events after `afterSeq`, in log order. */
  async after(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** The stored events with these seqs, in log order (a detection's events: windows hold only their seqs). */
  async bySeqs(seqs: number[]): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (let i = 0; i < seqs.length; i += SEQS_PER_SELECT) {
      const rows = await this.db
        .selectFrom('events')
        .selectAll()
        .where('seq', 'in', seqs.slice(i, i + SEQS_PER_SELECT))
        .execute();
      for (const r of rows) {
        out.push(fromRow(r));
      }
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Events up to `maxSeq` whose event time is at or after `minTs`, in log order (window rebuild). */
  async forRebuild(minTs: number, maxSeq: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', afterSeq)
      .where('seq', '<=', maxSeq)
      .where('ts', '>=', minTs)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async list(q: EventQuery): Promise<StoredEvent[]> {
    let query = this.db.selectFrom('events').selectAll();
    if (q.since !== undefined) {
      query = query.where('ts', '>=', q.since);
    }
    if (q.source) {
      query = query.where('source', '=', q.source);
    }
    if (q.event_type) {
      query = query.where('event_type', '=', q.event_type);
    }
    const rows = await query.orderBy('ts', 'desc').orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.map(fromRow);
  }

  /** The events an incident holds, oldest first. */
  async ofIncident(incidentId: string): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('incident_events')
      .innerJoin('events', 'events.seq', 'incident_events.event_seq')
      .selectAll('events')
      .where('incident_events.incident_id', '=', incidentId)
      .orderBy('events.ts')
      .orderBy('events.seq')
      .execute();
    return rows.map(fromRow);
  }

  /**
   * Events carrying one of these correlation ids with an event time at or after `minTs`, logged
   * before `beforeSeq`, in log order (events that a late event's correlation id makes join an
   * incident; the event-time index narrows the scan to what is that late).
   */
  async correlated(correlationIds: string[], minTs: number, beforeSeq: number): Promise<StoredEvent[]> {
    if (correlationIds.length === 0) {
      return [];
    }
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('ts', '>=', minTs)
      .where('seq', '<', beforeSeq)
      .where('correlation_id', 'in', correlationIds)
      .orderBy('seq')
      .execute();
    return rows.map(fromRow);
  }

  /** The newest event time stored, if any. */
  async newestTs(): Promise<number | undefined> {
    const row = await this.db.selectFrom('events').select(sql<number | null>`max(ts)`.as('m')).executeTakeFirstOrThrow();
    return row.m === null ? undefined : Number(row.m);
  }

  /** How many of an incident's events have an event time in [from, to). */
  async countOfIncident(incidentId: string, from: number, to: number): Promise<number> {
    const row = await this.db
      .selectFrom('incident_events')
      .innerJoin('events', 'events.seq', 'incident_events.event_seq')
      .select(sql<number>`count(*)`.as('n'))
      .where('incident_events.incident_id', '=', incidentId)
      .where('events.ts', '>=', from)
      .where('events.ts', '<', to)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Events from some sources in a time range (for a post-mortem's peak error rate), bounded. */
  async fromSources(sources: string[], from: number, to: number, limit: number): Promise<StoredEvent[]> {
    if (sources.length === 0) {
      return [];
    }
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('source', 'in', sources)
      .where('ts', '>=', from)
      .where('ts', '<=', to)
      .orderBy('ts')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('events').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async maxSeq(): Promise<number> {
    const row = await this.db.selectFrom('events').select(sql<number | null>`max(seq)`.as('m')).executeTakeFirstOrThrow();
    return Number(row.m ?? 0);
  }

  /** Deletes events received before `before` that no incident holds and the engine has passed. */
  async prune(before: number, maxSeq: number): Promise<number> {
    const res = await this.db
      .deleteFrom('events')
      .where('received_at', '<', before)
      .where('seq', '<=', maxSeq)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('incident_events').select('event_seq').whereRef('incident_events.event_seq', '=', 'events.seq')))
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows ?? 0);
  }
}

const COLUMNS = 'event_id, ts, received_at, event_type, source, severity, message, metadata, correlation_id';
const SQLITE_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** One statement for any number of rows: a column each, as an array. */
const POSTGRES_INSERT =
  `insert into events (${COLUMNS}) select * from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) ` +
  'on conflict (event_id) do nothing returning seq, event_id';

/**
 * The insert of a chunk of events, written as SQL here: it runs for every intake group, and the query
 * builder allocated some 2.5 KB an event compiling it (a third of the backend's garbage under load).
 * The same statement Kysely built: new events in batch order, a known `event_id` skipped.
 */
function insertEvents(events: NewEvent[], postgres: boolean): CompiledQuery {
  if (postgres) {
    const columns: unknown[][] = Array.from({ length: 9 }, () => new Array<unknown>(events.length));
    events.forEach((e, r) => {
      const row = rowOf(e);
      for (let c = 0; c < 9; c++) {
        columns[c][r] = row[c];
      }
    });
    return CompiledQuery.raw(POSTGRES_INSERT, columns);
  }
  const params = new Array<unknown>(events.length * 9);
  for (let r = 0; r < events.length; r++) {
    const row = rowOf(events[r]);
    for (let c = 0; c < 9; c++) {
      params[r * 9 + c] = row[c];
    }
  }
  return CompiledQuery.raw(`insert into events (${COLUMNS}) values ${new Array(events.length).fill(SQLITE_ROW).join(', ')} on conflict (event_id) do nothing returning seq, event_id`, params);
}

/** An event's values in the order of COLUMNS. */
function rowOf(e: NewEvent): unknown[] {
  return [e.event_id, e.ts, e.received_at, e.event_type, e.source, e.severity, e.message, JSON.stringify(e.metadata), e.correlation_id];
}

export function fromRow(r: {
  seq: number;
  event_id: string;
  ts: number;
  received_at: number;
  event_type: string;
  source: string;
  severity: string;
  message: string;
  metadata: string;
  correlation_id: string | null;
}): StoredEvent {
  return {
    seq: Number(r.seq),
    event_id: r.event_id,
    ts: Number(r.ts),
    received_at: Number(r.received_at),
    event_type: r.event_type,
    source: r.source,
    severity: r.severity as EventSeverity,
    message: r.message,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    correlation_id: r.correlation_id,
  };
}
