import type { IncidentRecord, LifecycleEntry, StoredEvent } from '../domain/records';
import { INCIDENT_TYPES, type IncidentType } from '../schema/enums';

type Required = Pick<
  IncidentRecord,
  'incident_id' | 'incident_type' | 'severity' | 'title' | 'description' | 'detected_at' | 'started_at' | 'affected_components' | 'updated_at'
>;

/** A new incident: what the caller knows, and nothing else happened to it yet. */
export function blankIncident(init: Required & Partial<IncidentRecord>): IncidentRecord {
  return {
    status: 'detected',
    rule_id: null,
    group_key: null,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    closed_at: null,
    closed_by: null,
    event_count: 0,
    assigned_to: null,
    root_cause: null,
    notes: [],
    last_event_at: null,
    recovering_since: null,
    status_before_recovery: null,
    alerts: {},
    ...init,
  };
}

/** A lifecycle entry of the incident's timeline. */
export function entry(inc: IncidentRecord, at: number, entryType: string, message: string, actor: string | null, data?: Record<string, unknown>): LifecycleEntry {
  return { incident_id: inc.incident_id, at, entry_type: entryType, message, actor, data: data ?? null };
}

export function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

export function minuteOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function alertTitle(e: StoredEvent): string {
  const name = typeof e.metadata.alertname === 'string' ? e.metadata.alertname : 'Alert';
  return e.message && e.message !== name ? `${name}: ${e.message}` : name;
}

/** Firing alerts join the incident's alert set; the set is what a resolution is checked against. */
export function trackAlert(inc: IncidentRecord, e: StoredEvent): void {
  const fp = e.metadata.fingerprint;
  if (e.event_type === 'alert_firing' && typeof fp === 'string' && !(fp in inc.alerts)) {
    inc.alerts[fp] = false;
  }
}

/** An alert's incident type: its `incident_type` label, else what its alertname maps to, else custom. */
export function alertType(e: StoredEvent, alertnameTypes: Record<string, IncidentType>): IncidentType {
  const label = e.metadata.incident_type;
  if (typeof label === 'string' && (INCIDENT_TYPES as readonly string[]).includes(label)) {
    return label as IncidentType;
  }
  const alertname = e.metadata.alertname;
  return (typeof alertname === 'string' && alertnameTypes[alertname]) || 'custom';
}
