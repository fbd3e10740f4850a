import { mttd, mttr } from '../correlation/correlator';
import type { IncidentRecord, LifecycleEntry, StoredEvent } from '../domain/records';
import type { IncidentEventDto } from '../schema/events';
import { IncidentSchema, INCIDENT_TIMES, type Incident, type INCIDENT_FIGURES, type TimelineEntry } from '../schema/incidents';
import { iso, round3 } from '../util/time';

const TIMES = new Set<string>(INCIDENT_TIMES);

/**
 * An incident as the wire contract has it: every field of `IncidentSchema`, times as ISO strings,
 * the figures computed. It walks the schema's fields, so a field added there is sent without a
 * change here (and the dto test fails if the record lacks it).
 */
export function toIncidentDto(i: IncidentRecord): Incident {
  const figures: Record<(typeof INCIDENT_FIGURES)[number], number | null> = {
    mttd: round3(mttd(i)),
    mttr: i.resolved_at === null ? null : round3(mttr(i)!),
  };
  const held = i as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(IncidentSchema.shape)) {
    out[key] = key in figures ? figures[key as keyof typeof figures] : TIMES.has(key) ? iso(held[key] as number | null) : held[key];
  }
  return out as Incident;
}

export function toEventDto(e: StoredEvent): IncidentEventDto {
  return {
    seq: e.seq,
    event_id: e.event_id,
    timestamp: iso(e.ts),
    received_at: iso(e.received_at),
    event_type: e.event_type,
    source: e.source,
    severity: e.severity,
    message: e.message,
    metadata: e.metadata,
    correlation_id: e.correlation_id,
  };
}

export function eventEntry(e: StoredEvent): TimelineEntry & { sort: number } {
  return {
    sort: e.ts,
    at: iso(e.ts),
    kind: 'event',
    event_type: e.event_type,
    source: e.source,
    message: e.message,
    actor: null,
    severity: e.severity,
    event_id: e.event_id,
    data: Object.keys(e.metadata).length ? e.metadata : null,
  };
}

export function lifecycleEntry(l: LifecycleEntry): TimelineEntry & { sort: number } {
  return {
    sort: l.at,
    at: iso(l.at),
    kind: 'lifecycle',
    event_type: l.entry_type,
    source: 'mahavishnu',
    message: l.message,
    actor: l.actor,
    severity: null,
    event_id: null,
    data: l.data,
  };
}
