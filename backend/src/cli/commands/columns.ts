import type { Incident } from '../../schema/incidents';
import { relativeTime, type Column, type Output } from '../output';

/** The columns of an incident listing, as `list` shows them. */
export function incidentColumns(out: Output, now: number): Array<Column<Incident>> {
  return [
    { header: 'Incident ID', value: (i) => i.incident_id },
    { header: 'Title', value: (i) => i.title },
    { header: 'Severity', value: (i) => i.severity, show: (i) => out.severity(i.severity) },
    { header: 'Status', value: (i) => i.status },
    { header: 'Detected', value: (i) => i.detected_at, show: (i) => relativeTime(i.detected_at, now) },
  ];
}
