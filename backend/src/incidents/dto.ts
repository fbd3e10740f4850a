import { mttd, mttr } from '../correlation/correlator';
import type { IncidentRecord, LifecycleEntry, StoredEvent } from '../domain/records';
import type { IncidentEventDto } from '../schema/events';
import type { Incident, TimelineEntry } from '../schema/incidents';
import { iso, round3 } from '../util/time';

/** An incident as the wire contract has it. */
export function toIncidentDto(i: IncidentRecord): Incident {
  return {
    incident_id: i.incident_id,
    incident_type: i.incident_type,
    severity: i.severity,
    status: i.status,
    title: i.title,
    description: i.description,
    rule_id: i.rule_id,
    group_key: i.group_key,
    detected_at: iso(i.detected_at),
    started_at: iso(i.started_at),
    acknowledged_at: iso(i.acknowledged_at),
    acknowledged_by: i.acknowledged_by,
    resolved_at: iso(i.resolved_at),
    resolved_by: i.resolved_by,
    closed_at: iso(i.closed_at),
    closed_by: i.closed_by,
    affected_components: i.affected_components,
    event_count: i.event_count,
    assigned_to: i.assigned_to,
    mttd: round3(mttd(i)),
    mttr: i.resolved_at === null ? null : round3(mttr(i)!),
    root_cause: i.root_cause,
    notes: i.notes,
    last_event_at: iso(i.last_event_at),
    updated_at: iso(i.updated_at),
  };
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
