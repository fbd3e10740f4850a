import type { NotificationMessage } from '../channel';

/** One labelled value of a notification, as Slack fields and the e-mail table show it. */
export interface IncidentField {
  label: string;
  value: string;
}

/** "approval_needed" -> "Approval needed": detail keys become readable labels. */
function labelOf(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Details are free-form; strings show as they are and everything else as compact JSON. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'none';
  return JSON.stringify(value) ?? String(value);
}

/** The kind-specific lines: the root cause of a new incident, the change of severity, who resolved it, then the details. */
function kindFields(msg: NotificationMessage): IncidentField[] {
  const { incident, details } = msg;
  const out: IncidentField[] = [];
  const shown = new Set<string>();
  if (msg.kind === 'incident_created' && incident.root_cause?.primary_error_type) {
    const { primary_error_type, primary_source } = incident.root_cause;
    out.push({
      label: 'Root cause',
      value: primary_source ? `${primary_error_type} from ${primary_source}` : primary_error_type,
    });
  }
  if (msg.kind === 'severity_changed' && 'from' in details && 'to' in details) {
    out.push({ label: 'Severity change', value: `${showValue(details.from)} → ${showValue(details.to)}` });
    shown.add('from').add('to');
  }
  if (msg.kind === 'resolved') {
    out.push({ label: 'Resolved by', value: incident.resolved_by ?? 'automatically' });
    if (incident.mttr !== null) out.push({ label: 'Time to resolve', value: `${Math.round(incident.mttr)} s` });
  }
  for (const [key, value] of Object.entries(details)) {
    if (!shown.has(key)) out.push({ label: labelOf(key), value: showValue(value) });
  }
  return out;
}

/** The incident's vital signs followed by what this kind of message adds, in display order. */
export function incidentFields(msg: NotificationMessage): IncidentField[] {
  const { incident } = msg;
  return [
    { label: 'Severity', value: incident.severity.toUpperCase() },
    { label: 'Status', value: incident.status },
    { label: 'Type', value: incident.incident_type },
    { label: 'Components', value: incident.affected_components.join(', ') || 'none' },
    { label: 'Events', value: String(incident.event_count) },
    ...kindFields(msg),
  ];
}
