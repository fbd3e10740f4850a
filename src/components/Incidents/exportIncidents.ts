import type { Incident } from '@mahavishnu/wire/incidents';

/** The columns of the CSV export, in order. */
const CSV_COLUMNS = [
  'incident_id',
  'incident_type',
  'severity',
  'status',
  'title',
  'affected_components',
  'event_count',
  'detected_at',
  'acknowledged_at',
  'acknowledged_by',
  'assigned_to',
  'resolved_at',
  'resolved_by',
  'closed_at',
  'mttd',
  'mttr',
] as const satisfies ReadonlyArray<keyof Incident>;

/** The incidents as CSV (RFC 4180): a header line, then one line per incident; components joined by `;`. */
export function incidentsToCsv(incidents: Incident[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const incident of incidents) {
    lines.push(CSV_COLUMNS.map((column) => csvCell(incident[column])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** The incidents as the API returned them, as a JSON array. */
export function incidentsToJson(incidents: Incident[]): string {
  return JSON.stringify(incidents, null, 2);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text = Array.isArray(value) ? value.join(';') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
