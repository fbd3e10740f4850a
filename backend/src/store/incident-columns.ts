import type { IncidentRecord } from '../domain/records';

/** How each field of an incident is stored: as it is, as a number (PostgreSQL's bigint arrives as text), or as JSON text. */
type ColumnKind = 'value' | 'number' | 'json';

/**
 * The incidents table's columns: one per field of the incident record (the record derives from
 * `IncidentSchema`), so a field added to the schema fails the type check here until it has a column
 * (and a migration).
 */
export const INCIDENT_COLUMNS = {
  incident_id: 'value',
  incident_type: 'value',
  severity: 'value',
  status: 'value',
  title: 'value',
  description: 'value',
  rule_id: 'value',
  group_key: 'value',
  detected_at: 'number',
  started_at: 'number',
  acknowledged_at: 'number',
  acknowledged_by: 'value',
  resolved_at: 'number',
  resolved_by: 'value',
  closed_at: 'number',
  closed_by: 'value',
  affected_components: 'json',
  event_count: 'number',
  assigned_to: 'value',
  root_cause: 'json',
  notes: 'json',
  last_event_at: 'number',
  recovering_since: 'number',
  status_before_recovery: 'value',
  alerts: 'json',
  updated_at: 'number',
} as const satisfies Record<keyof IncidentRecord, ColumnKind>;

type Columns = typeof INCIDENT_COLUMNS;
type JsonColumn = { [K in keyof Columns]: Columns[K] extends 'json' ? K : never }[keyof Columns];

/** An incident's row: JSON fields as text (null stays null), the rest as the record has them. */
export type IncidentRow = { [K in Exclude<keyof IncidentRecord, JsonColumn>]: IncidentRecord[K] } & {
  [K in JsonColumn]: null extends IncidentRecord[K] ? string | null : string;
};

const ENTRIES = Object.entries(INCIDENT_COLUMNS) as Array<[keyof IncidentRecord, ColumnKind]>;

export function toIncidentRow(i: IncidentRecord): IncidentRow {
  const row: Record<string, unknown> = {};
  for (const [key, kind] of ENTRIES) {
    const v = i[key];
    row[key] = kind === 'json' && v !== null ? JSON.stringify(v) : v;
  }
  return row as IncidentRow;
}

export function fromIncidentRow(r: IncidentRow): IncidentRecord {
  const held = r as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, kind] of ENTRIES) {
    const v = held[key];
    out[key] = v === null || v === undefined ? null : kind === 'json' ? JSON.parse(v as string) : kind === 'number' ? Number(v) : v;
  }
  return out as IncidentRecord;
}
