import type { ComboboxOption } from '@grafana/ui';
import {
  INCIDENT_TYPE_NAMES,
  type IncidentStatus,
  type IncidentType,
  type Severity,
} from '@mahavishnu/wire/vocabulary';

/*
 * Display names of the backend's enums. They are typed by the wire types, so a value the backend adds
 * fails the typecheck here until it is named.
 */

/** Severities, worst first. */
export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** Statuses in the order of the response workflow. */
export const STATUS_LABELS: Record<IncidentStatus, string> = {
  detected: 'Detected',
  assessing: 'Assessing',
  containing: 'Containing',
  investigating: 'Investigating',
  remediating: 'Remediating',
  recovering: 'Recovering',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** The names of the incident types (the backend's own table). */
export const TYPE_LABELS: Record<IncidentType, string> = INCIDENT_TYPE_NAMES;

export const SEVERITIES = Object.keys(SEVERITY_LABELS) as Severity[];

/** Options of a choice among `labels`, values as the API writes them. */
export function optionsOf<T extends string>(labels: Record<T, string>): Array<ComboboxOption<T>> {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}

/** A type's display name, or the value itself for a type this plugin does not know yet. */
export function typeLabel(type: string): string {
  return TYPE_LABELS[type as IncidentType] ?? type;
}

export function isActiveStatus(status: IncidentStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}
