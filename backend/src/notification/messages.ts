import { randomUUID } from 'node:crypto';
import type { IncidentRecord } from '../domain/records';
import { toIncidentDto } from '../incidents/dto';
import { iso } from '../util/time';
import type { NotificationKind, NotificationMessage } from './channel';

/** The link to an incident inside Grafana's app plugin (or the standalone dashboard at the same path). */
export function incidentUrl(publicUrl: string | null, incidentId: string): string | null {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/a/mahavishnu-incidents-app/incidents/${encodeURIComponent(incidentId)}` : null;
}

/** One line saying what happened, the same for every channel. */
export function headline(inc: IncidentRecord, kind: NotificationKind, d: Record<string, unknown>): string {
  const id = inc.incident_id;
  switch (kind) {
    case 'incident_created':
      return `New ${inc.severity.toUpperCase()} incident ${id}: ${inc.title}`;
    case 'severity_changed':
      return `${id} severity ${String(d.from)} -> ${String(d.to)}: ${inc.title}`;
    case 'acknowledged':
      return `${id} acknowledged by ${inc.acknowledged_by ?? 'someone'}: ${inc.title}`;
    case 'approval_needed':
      return `${id} needs approval: ${String(d.title ?? d.action_id)} (${String(d.risk)} risk, a ${String(d.approval)} must approve)`;
    case 'action_failed':
      return `${id}: ${String(d.action_id)} ${String(d.outcome ?? 'failed')}${d.detail ? ` (${String(d.detail)})` : ''}`;
    case 'resolved':
      return `${id} resolved ${inc.resolved_by === 'auto' ? 'automatically' : `by ${inc.resolved_by ?? 'a person'}`}: ${inc.title}`;
  }
}

/** Builds the message one receiver gets about one change. */
export function buildMessage(
  inc: IncidentRecord,
  kind: NotificationKind,
  details: Record<string, unknown>,
  at: number,
  publicUrl: string | null
): Omit<NotificationMessage, 'delivery_id'> {
  return {
    kind,
    incident: toIncidentDto(inc),
    url: incidentUrl(publicUrl, inc.incident_id),
    dedup_key: inc.incident_id,
    headline: headline(inc, kind, details),
    details,
    created_at: iso(at),
  };
}

/** A delivery id: unique per outbox row, kept across retries and restarts. */
export function deliveryId(incidentId: string, kind: NotificationKind): string {
  return `${incidentId}.${kind}.${randomUUID().slice(0, 13)}`;
}
